import { Module } from '@nestjs/common';
import { TriggersModule } from '../../triggers/index.js';
import { DeeperLiftService } from './deeper.service.js';
import { LiftService } from './lift.service.js';

@Module({
  imports: [TriggersModule],
  providers: [LiftService, DeeperLiftService],
  exports: [LiftService, DeeperLiftService],
})
export class LiftModule {}

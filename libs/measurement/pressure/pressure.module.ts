import { Module } from '@nestjs/common';
import { OverTimeModule } from '../over-time/over-time.module.js';
import { PressureService } from './pressure.service.js';

/**
 * Message pressure (docs/design.md §3): the `messagePressure` query; the trend facts it reads when
 * current, from OverTimeModule.
 */
@Module({
  imports: [OverTimeModule],
  providers: [PressureService],
  exports: [PressureService],
})
export class PressureModule {}

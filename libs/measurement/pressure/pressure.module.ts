import { Module } from '@nestjs/common';
import { OverTimeModule } from '../over-time/over-time.module.js';
import { PressureResolver } from './pressure.resolver.js';
import { PressureService } from './pressure.service.js';

/**
 * Message pressure (docs/design.md §3): the `messagePressure` query; the trend facts it reads when
 * current, from OverTimeModule.
 */
@Module({
  imports: [OverTimeModule],
  providers: [PressureService, PressureResolver],
  exports: [PressureService],
})
export class PressureModule {}

import { Module } from '@nestjs/common';
import { PressureResolver } from './pressure.resolver.js';
import { PressureService } from './pressure.service.js';

/** Message pressure (docs/design.md §3): the `messagePressure` query. */
@Module({ providers: [PressureService, PressureResolver], exports: [PressureService] })
export class PressureModule {}

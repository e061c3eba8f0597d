import { Module } from '@nestjs/common';
import { StreamsController } from './streams.controller.js';

/** The stream reference: `GET /v1/streams`. */
@Module({ controllers: [StreamsController] })
export class ReferenceModule {}

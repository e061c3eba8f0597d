import { Controller, Get } from '@nestjs/common';
import { Public } from '../auth/index.js';
import { AppConfig } from '../config/index.js';
import { streamJsonSchemas, type JsonSchema } from './json-schema.js';

/** The streams describe themselves: their JSON Schemas, for producers to validate against. */
@Controller('v1/streams')
export class StreamsController {
  private readonly schemas: Record<string, JsonSchema>;

  constructor(config: AppConfig) {
    this.schemas = streamJsonSchemas(config.env.INGEST_MAX_FIELD_CHARS);
  }

  /** `{"streams": {"<stream>": <JSON Schema>}}`; no key needed, nothing in it is tenant data. */
  @Get()
  @Public()
  streams(): { streams: Record<string, JsonSchema> } {
    return { streams: this.schemas };
  }
}

import { Module } from '@nestjs/common';
import { GuardrailsResolver } from './guardrails.resolver.js';
import { GuardrailsService } from './guardrails.service.js';

@Module({ providers: [GuardrailsService, GuardrailsResolver], exports: [GuardrailsService] })
export class GuardrailsModule {}

import { Module } from '@nestjs/common';
import { OutcomeTypesResolver } from './outcome-types.resolver.js';
import { OutcomeTypesService } from './outcome-types.service.js';

/** defineOutcomeType and its list. ClickHouse, data versions and the audit log are global. */
@Module({ providers: [OutcomeTypesService, OutcomeTypesResolver] })
export class OutcomeTypesModule {}

import { Module, type DynamicModule } from '@nestjs/common';
import { AppConfig } from './config.js';

/** Provides the configuration validated at start to every module. */
@Module({})
export class ConfigModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: ConfigModule,
      global: true,
      providers: [{ provide: AppConfig, useValue: config }],
      exports: [AppConfig],
    };
  }
}

import { Controller, Get, Header, Res } from '@nestjs/common';
import type { Response } from 'express';
import { Public } from '../auth/index.js';
import { MetricsService } from '../observability/index.js';
import { HealthService } from './health.service.js';

@Controller()
export class HealthController {
  constructor(
    private readonly health: HealthService,
    private readonly metrics: MetricsService,
  ) {}

  /** Liveness: the process answers. */
  @Get('healthz')
  @Public()
  live() {
    return { status: 'ok' };
  }

  /** Readiness: 200 when every dependency answers, 503 with the failing checks otherwise. */
  @Get('readyz')
  @Public()
  async ready(@Res() response: Response): Promise<void> {
    const readiness = await this.health.readiness();
    response.status(readiness.ready ? 200 : 503).json(readiness);
  }

  /** Prometheus metrics of this process. */
  @Get('metrics')
  @Public()
  @Header('Content-Type', 'text/plain; version=0.0.4')
  metricsText(): Promise<string> {
    return this.metrics.render();
  }
}

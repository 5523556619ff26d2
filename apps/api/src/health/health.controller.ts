import { Controller, Get, Inject, Logger } from '@nestjs/common';
import {
  ApiOkResponse,
  ApiOperation,
  ApiServiceUnavailableResponse,
  ApiTags,
} from '@nestjs/swagger';
import { HealthCheck, HealthCheckService, HealthIndicatorService } from '@nestjs/terminus';
import { Pool } from 'pg';
import { PG_POOL } from '../database/database.module';
import { Public } from '@tally/http';

@ApiTags('operations')
@Controller('health')
export class HealthController {
  private readonly logger = new Logger('health');

  constructor(
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    @Inject(PG_POOL) private readonly pool: Pool,
  ) {}

  @Get()
  @ApiOperation({ summary: 'Whether the database answers', security: [] })
  @Public()
  @HealthCheck()
  @ApiOkResponse({ description: 'The database answers.' })
  @ApiServiceUnavailableResponse({ description: 'The database does not answer.' })
  check() {
    return this.health.check([
      async () => {
        const database = this.indicators.check('database');
        try {
          await this.pool.query('SELECT 1');
          return database.up();
        } catch (error) {
          // The database's own words (host names, roles) are for the log, not for anyone asking.
          this.logger.warn(`database check failed: ${(error as Error).message}`);
          return database.down({ message: 'the database does not answer' });
        }
      },
    ]);
  }
}

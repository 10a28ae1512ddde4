import { Controller, Get, HttpCode, Inject, NotFoundException, Post } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { CoingeckoGlobal, type GlobalMarketResponse, type GlobalMarketStatus } from './coingecko-global.js';

@ApiTags('market data')
@Controller('market-data/global')
export class MarketDataController {
  constructor(@Inject(CoingeckoGlobal) private readonly global: CoingeckoGlobal) {}

  /** Cached CoinGecko global data; 404 until the first successful fetch (or when disabled). */
  @Get()
  @ApiOperation({ summary: "CoinGecko's global market data, cached; 404 before the first success" })
  data(): GlobalMarketResponse {
    const data = this.global.data;
    if (!data)
      throw new NotFoundException(
        this.global.status().enabled
          ? 'global market data not available yet'
          : 'global market data is disabled',
      );
    return data;
  }

  @Get('status')
  @ApiOperation({ summary: 'Whether global market data is enabled and how old it is' })
  status(): GlobalMarketStatus {
    return this.global.status();
  }

  @Post('refresh')
  @ApiOperation({ summary: 'Refresh global market data now' })
  @HttpCode(200)
  async refresh(): Promise<{ message: string }> {
    if (!this.global.status().enabled) throw new NotFoundException('global market data is disabled');
    return {
      message: (await this.global.refresh()) ? 'refreshed' : 'refresh failed; serving the previous data',
    };
  }
}

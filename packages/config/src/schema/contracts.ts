import { z } from 'zod';
import { addressSchema } from './common.js';

/**
 * How the admin CLI deploys and configures the feeds' contracts. Two flavours of OCR1 aggregator:
 * Chainlink's stock contract (the owner sets the whole config, after payees) and Super Protocol's
 * fork (the owner sets the timings, only the confidential admin the oracles).
 */
export const contractsSchema = z.strictObject({
  flavour: z
    .enum(['superProtocol', 'stock'])
    .optional()
    .describe(
      'Aggregator flavour: what deploy deploys (absent: superProtocol) and set-config drives (absent: probed per contract through adminCertificateHelper())',
    ),
  adminCertificateHelper: addressSchema
    .optional()
    .describe(
      'superProtocol: the AdminCertificateHelper new aggregators trust; absent: deploy deploys a local stand-in and records it here',
    ),
  payee: addressSchema
    .optional()
    .describe('stock: the payee set for every transmitter before setConfig; default each transmitter itself'),
});

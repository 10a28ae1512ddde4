import { z } from 'zod';
import { absolutePathSchema, addressSchema, bigintStringSchema } from './common.js';

/**
 * The confidential admin of Super Protocol aggregators: one node's EVM account, registered with the
 * AdminCertificateHelper by proving with the order's TEE certificates that the authorized solution
 * controls it (the `confidential-admin` oneshot). Without `helperAddress` nothing is registered
 * (local runs: the admin CLI's appoint-admin on the stand-in instead).
 */
export const confidentialAdminSchema = z
  .strictObject({
    helperAddress: addressSchema
      .optional()
      .describe(
        'AdminCertificateHelper to register with (the one the aggregators trust); absent: the confidential-admin oneshot is skipped',
      ),
    rootCertId: bigintStringSchema
      .optional()
      .describe("Id of the registered root certificate the order's chain ends in (addAdmin's rootCertId)"),
    certsDir: absolutePathSchema
      .default('/sp/certs')
      .describe('Directory of order_cert.crt, order_cert_ca_bundle.crt and order_cert.key'),
    nodeIndex: z
      .int()
      .min(1)
      .default(1)
      .describe('The node whose EVM account (its transmitter key) becomes the confidential admin'),
    setConfig: z
      .boolean()
      .default(true)
      .describe("After registering, set every feed's configuration as the admin (admin CLI set-config)"),
  })
  .refine((value) => value.helperAddress === undefined || value.rootCertId !== undefined, {
    error: 'rootCertId is required with helperAddress',
    path: ['rootCertId'],
  });

export type ConfidentialAdminConfig = z.output<typeof confidentialAdminSchema>;

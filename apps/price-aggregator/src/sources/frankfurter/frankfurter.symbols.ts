/**
 * Currencies of the ECB's daily reference rates, which is all Frankfurter knows (fiat only;
 * HRK left with the euro in 2023, RUB was suspended in 2022).
 */
export const FRANKFURTER_CURRENCIES: ReadonlySet<string> = new Set(
  (
    'EUR USD JPY BGN CZK DKK GBP HUF PLN RON SEK CHF ISK NOK TRY AUD BRL CAD CNY HKD IDR ILS INR KRW MXN ' +
    'MYR NZD PHP SGD THB ZAR'
  ).split(' '),
);

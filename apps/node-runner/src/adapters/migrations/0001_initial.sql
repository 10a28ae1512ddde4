-- What an OCR1 node persists (ocr1.md §14). Byte strings are bytea; on-chain integers are numeric;
-- epochs are bigint because OCR1 epochs are uint32.

-- The pacemaker's state per config digest: never go back to an older epoch after a restart.
CREATE TABLE ocr_pacemaker_states (
  config_digest          bytea PRIMARY KEY,
  epoch                  bigint NOT NULL CHECK (epoch >= 0),
  highest_sent_epoch     bigint NOT NULL CHECK (highest_sent_epoch >= 0),
  highest_received_epoch bigint[] NOT NULL,
  updated_at             timestamptz NOT NULL DEFAULT now()
);

-- The highest (epoch, round) this node signed per config digest; only ever moves up.
CREATE TABLE ocr_highest_signed (
  config_digest bytea PRIMARY KEY,
  epoch         bigint NOT NULL CHECK (epoch >= 0),
  round         integer NOT NULL CHECK (round >= 0),
  updated_at    timestamptz NOT NULL DEFAULT now()
);

-- Reports waiting for this node's transmission stage.
CREATE TABLE ocr_pending_transmissions (
  config_digest     bytea NOT NULL,
  epoch             bigint NOT NULL CHECK (epoch >= 0),
  round             integer NOT NULL CHECK (round >= 0),
  transmit_at       timestamptz NOT NULL,
  median            numeric(78, 0) NOT NULL,
  serialized_report bytea NOT NULL,
  rs                bytea[] NOT NULL,
  ss                bytea[] NOT NULL,
  vs                bytea NOT NULL,
  PRIMARY KEY (config_digest, epoch, round)
);
CREATE INDEX ocr_pending_transmissions_transmit_at ON ocr_pending_transmissions (transmit_at);

-- The latest accepted contract config per aggregator contract (lower-case address).
CREATE TABLE ocr_contract_configs (
  contract_address       text PRIMARY KEY CHECK (contract_address = lower(contract_address)),
  config_digest          bytea NOT NULL,
  config_count           numeric(20, 0) NOT NULL,
  signers                text[] NOT NULL,
  transmitters           text[] NOT NULL,
  threshold              integer NOT NULL CHECK (threshold >= 0),
  encoded_config_version numeric(20, 0) NOT NULL,
  encoded                bytea NOT NULL,
  block_number           numeric(20, 0) NOT NULL,
  updated_at             timestamptz NOT NULL DEFAULT now()
);

-- Transactions the transmitter sent (several may share a nonce when one replaces another).
CREATE TABLE transmitter_transactions (
  hash                     text PRIMARY KEY CHECK (hash = lower(hash)),
  from_address             text NOT NULL CHECK (from_address = lower(from_address)),
  nonce                    numeric(20, 0) NOT NULL,
  feed                     text NOT NULL CHECK (feed = lower(feed)),
  config_digest            bytea NOT NULL,
  epoch                    bigint NOT NULL,
  round                    integer NOT NULL,
  status                   text NOT NULL CHECK (status IN ('pending', 'confirmed', 'failed', 'replaced')),
  max_fee_per_gas          numeric(78, 0) NOT NULL,
  max_priority_fee_per_gas numeric(78, 0) NOT NULL,
  sent_at                  timestamptz NOT NULL,
  updated_at               timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX transmitter_transactions_status ON transmitter_transactions (status, from_address, nonce);

-- Trade-and-quote enrichment: each trade gets the quote in force when it happened (an ASOF join,
-- event-time correct however the two streams interleave) and its company's name (a lookup join).

CREATE SOURCE trades (
  symbol VARCHAR NOT NULL,
  price  DECIMAL(10, 2) NOT NULL,
  qty    INT NOT NULL,
  ts     TIMESTAMP(3) NOT NULL,
  WATERMARK FOR ts AS ts - INTERVAL '0.2' SECOND
) WITH (
  'connector' = 'datagen',
  'number-of-rows' = '12',
  'event-time.step' = '250ms',
  'event-time.max-out-of-orderness' = '100ms',
  'fields.symbol.values' = 'AAPL,MSFT',
  'fields.price.min' = '100',
  'fields.price.max' = '110',
  'fields.qty.min' = '1',
  'fields.qty.max' = '100'
);

CREATE SOURCE quotes (
  symbol VARCHAR NOT NULL,
  bid    DECIMAL(10, 2) NOT NULL,
  ask    DECIMAL(10, 2) NOT NULL,
  ts     TIMESTAMP(3) NOT NULL,
  WATERMARK FOR ts AS ts - INTERVAL '0.2' SECOND
) WITH (
  'connector' = 'datagen',
  'number-of-rows' = '40',
  'event-time.step' = '100ms',
  'fields.symbol.values' = 'AAPL,MSFT',
  'fields.bid.min' = '100',
  'fields.bid.max' = '105',
  'fields.ask.min' = '105',
  'fields.ask.max' = '110'
);

CREATE LOOKUP TABLE companies (symbol VARCHAR NOT NULL, name VARCHAR)
WITH ('connector' = 'memory', 'lookup.key' = 'symbol');

INSERT INTO companies VALUES ('AAPL', 'Apple'), ('MSFT', 'Microsoft');

CREATE STREAM enriched AS
SELECT t.ts, t.symbol, c.name, t.price, t.qty, q.bid, q.ask, q.ts AS quote_ts
FROM trades t
  LEFT ASOF JOIN quotes q MATCH_CONDITION(t.ts >= q.ts AND t.ts - q.ts <= INTERVAL '1' SECOND) ON t.symbol = q.symbol
  JOIN companies c ON t.symbol = c.symbol;

CREATE SINK enriched_out FROM enriched WITH ('connector' = 'console', 'format' = 'table');

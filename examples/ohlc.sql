-- Laminar's main job: a generated trade stream turned into 1-second OHLC bars per symbol.
-- Trades arrive up to 500 ms out of order; the watermark allows 1 second, so no trade is late.

CREATE SOURCE trades (
  symbol VARCHAR NOT NULL,
  price  DECIMAL(10, 2) NOT NULL,
  qty    INT NOT NULL,
  ts     TIMESTAMP(3) NOT NULL,
  WATERMARK FOR ts AS ts - INTERVAL '1' SECOND
) WITH (
  'connector' = 'datagen',
  'number-of-rows' = '20000',
  'rows-per-second' = '5000',
  'event-time.step' = '1ms',
  'event-time.max-out-of-orderness' = '500ms',
  'fields.symbol.values' = 'AAPL,MSFT,NVDA,AMZN',
  'fields.price.min' = '100',
  'fields.price.max' = '110',
  'fields.qty.min' = '1',
  'fields.qty.max' = '500'
);

CREATE STREAM bars AS
SELECT symbol,
       window_start,
       window_end,
       FIRST_VALUE(price) AS open,
       MAX(price)         AS high,
       MIN(price)         AS low,
       LAST_VALUE(price)  AS close,
       SUM(qty)           AS volume,
       COUNT(*)           AS trades
FROM TABLE(TUMBLE(TABLE trades, DESCRIPTOR(ts), INTERVAL '1' SECOND))
GROUP BY symbol, window_start, window_end
EMIT ON WINDOW CLOSE;

CREATE SINK bars_out FROM bars WITH ('connector' = 'console', 'format' = 'table');

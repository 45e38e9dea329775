package dev.streamkit.flink.kinesis;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;

/** The start time of AT_TIMESTAMP, as the Apache connectors take it: ISO-8601, or seconds since the epoch. */
public final class StartTime {
  private StartTime() {}

  /** Parses {@code value} of {@code option}; the message names the accepted forms and the value received. */
  public static Instant parse(String option, String value) {
    String text = value.trim();
    try {
      if (text.matches("\\d+(\\.\\d+)?")) {
        BigDecimal seconds = new BigDecimal(text);
        return Instant.ofEpochSecond(seconds.longValue(),
            seconds.remainder(BigDecimal.ONE).movePointRight(9).intValue());
      }
      return OffsetDateTime.parse(text).toInstant();
    } catch (DateTimeParseException | ArithmeticException e) {
      throw new IllegalArgumentException(option + " must be an ISO-8601 time with an offset (2026-01-31T12:00:00Z)"
          + " or seconds since the epoch (1769860800.5) (got " + value + ")", e);
    }
  }
}

package dev.agentry.agent;

import com.cronutils.model.CronType;
import com.cronutils.model.definition.CronDefinitionBuilder;
import com.cronutils.parser.CronParser;
import com.fasterxml.jackson.databind.JsonNode;
import dev.agentry.asset.FieldException;
import java.time.DateTimeException;
import java.time.ZoneId;

/**
 * When an agent runs by itself.
 *
 * @param cron five fields, as in crontab: minute hour day-of-month month day-of-week
 * @param timezone the zone the cron fields are read in; default UTC
 * @param input what each scheduled run receives as input; may be null
 * @param enabled false keeps the schedule written down but idle; default true
 */
public record Schedule(String cron, String timezone, JsonNode input, Boolean enabled) {

    private static final CronParser UNIX_CRON =
            new CronParser(CronDefinitionBuilder.instanceDefinitionFor(CronType.UNIX));

    public Schedule {
        if (cron == null || cron.isBlank()) {
            throw new FieldException("cron", "is required; write five fields such as '0 8 * * MON-FRI'");
        }
        try {
            UNIX_CRON.parse(cron).validate();
        } catch (IllegalArgumentException e) {
            throw new FieldException(
                    "cron",
                    "is not a valid cron expression ('" + cron + "': " + e.getMessage()
                            + "); write five fields, minute hour day-of-month month day-of-week, such as '0 8 * * MON-FRI'");
        }
        timezone = timezone == null ? "UTC" : timezone;
        try {
            ZoneId.of(timezone);
        } catch (DateTimeException e) {
            throw new FieldException(
                    "timezone", "is not a known time zone: '" + timezone + "'; use an IANA name such as Europe/Berlin");
        }
        enabled = enabled == null ? Boolean.TRUE : enabled;
    }

    public ZoneId zone() {
        return ZoneId.of(timezone);
    }
}

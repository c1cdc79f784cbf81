package dev.agentry.schedule;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Whether this replica fires schedules. */
@ConfigMapping(prefix = "agentry.schedules")
public interface SchedulesConfig {

    /**
     * Whether this replica fires the schedules of agents. Every replica may: an occurrence starts once
     * whichever fires it. Off, the API still lists, pauses, triggers and backfills schedules.
     */
    @WithDefault("true")
    boolean enabled();
}

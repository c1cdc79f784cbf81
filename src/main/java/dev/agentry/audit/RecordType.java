package dev.agentry.audit;

/** The kinds of journal record, each with its dotted name as it appears in records and queries. */
public enum RecordType {
    RUN_STARTED("run.started"),
    RUN_RESUMED("run.resumed"),
    RUN_RELEASED("run.released"),
    RUN_CANCELLED("run.cancelled"),
    RUN_PARKED("run.parked"),
    RUN_ENDED("run.ended"),
    MODEL_REQUEST("model.request"),
    MODEL_RESPONSE("model.response"),
    POLICY_DECISION("policy.decision"),
    APPROVAL_REQUESTED("approval.requested"),
    APPROVAL_DECIDED("approval.decided"),
    TOOL_INTENT("tool.intent"),
    TOOL_RESULT("tool.result"),
    CODE_TOOL_CALL("code.tool-call"),
    CODE_TOOL_RESULT("code.tool-result"),
    ASSET_LOADED("asset.loaded"),
    ASSET_REJECTED("asset.rejected"),
    ASSET_REMOVED("asset.removed"),
    SCHEDULE_SKIPPED("schedule.skipped"),
    SCHEDULE_MISSED("schedule.missed"),
    SCHEDULE_PAUSED("schedule.paused"),
    SCHEDULE_RESUMED("schedule.resumed"),
    SCHEDULE_BACKFILLED("schedule.backfilled"),
    KEY_ISSUED("key.issued"),
    KEY_REVOKED("key.revoked"),
    AUTH_DENIED("auth.denied");

    private final String id;

    RecordType(String id) {
        this.id = id;
    }

    public String id() {
        return id;
    }

    /** The type named {@code id}, if there is one. */
    public static java.util.Optional<RecordType> of(String id) {
        for (RecordType type : values()) {
            if (type.id.equals(id)) {
                return java.util.Optional.of(type);
            }
        }
        return java.util.Optional.empty();
    }
}

package dev.agentry.run;

import dev.agentry.audit.AuditQuery;
import dev.agentry.audit.AuditRecord;
import dev.agentry.audit.AuditStore;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;

/** Reads what earlier attempts at a run did from the journal, for a run that resumes. */
@ApplicationScoped
public class RunHistory {

    private static final int PAGE = AuditQuery.MAX_LIMIT;

    private final AuditStore audit;

    RunHistory(AuditStore audit) {
        this.audit = audit;
    }

    /** The calls of the run's latest model step that earlier attempts recorded. */
    Earlier of(String runId) {
        Earlier.Reader reader = new Earlier.Reader();
        long after = 0;
        List<AuditRecord> page;
        do {
            page = audit.query(new AuditQuery(runId, null, null, null, null, PAGE, after, null));
            for (AuditRecord record : page) {
                reader.add(record.type(), record.data());
                after = record.seq();
            }
        } while (page.size() == PAGE);
        return reader.read();
    }
}

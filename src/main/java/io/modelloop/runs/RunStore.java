package io.modelloop.runs;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** Where run records live (an embedded SQL database locally). */
public interface RunStore {

    /** Inserts or replaces a run (records are small: the whole record is written). */
    void save(RunRecord run);

    Optional<RunRecord> get(String id);

    /** Newest first; type and status may be null (any); before (exclusive) pages backwards. */
    List<RunRecord> list(String type, RunRecord.RunStatus status, Instant before, int limit);
}

/// The listening-history tables (schema step 4).
///
/// - `encore_plays`: every play once, keyed by listener and the millisecond it ended.
/// - `encore_history_tracks`: what was played, once for everyone, keyed by a hash of its URI.
/// - `encore_history_listeners`: per listener their time zone, whether the recorder polls them,
///   its cursor and lease, and a generation that forgetting and re-zoning move on.
/// - Rollups in the listener's local time, kept in step with `encore_plays` by the transaction
///   that inserts a play (``RollupDelta``): per local day (totals, the chart, weekdays), per hour
///   of the day and local month, per local hour (the hours of a period's odd days), per local
///   month and track, and per track over all time (with its first and latest play). A period's
///   totals and chart are then a range of rollup rows.
/// - `encore_play_packs`: a local day's, month's or year's music (or all of it) summed per track
///   in one value (``PlayPack``), built from the rollups when a page first needs it and kept
///   while the period holds the same plays; a period's top lists read whole years, whole months
///   and its odd days from these.
/// - `encore_history_imports`: uploads under way and done, visible to every instance.
enum HistorySchema {
    static let statements = [
        """
        CREATE TABLE encore_history_listeners (
            listener_id BIGINT PRIMARY KEY,
            user_id TEXT NOT NULL UNIQUE,
            time_zone TEXT NOT NULL,
            generation BIGINT NOT NULL,
            recording INTEGER NOT NULL,
            poll_after_ms BIGINT,
            next_poll_ms BIGINT,
            lease_holder TEXT,
            lease_until_ms BIGINT,
            last_poll_ms BIGINT,
            last_poll_outcome TEXT,
            created_at BIGINT NOT NULL
        )
        """,
        "CREATE INDEX encore_history_listeners_due ON encore_history_listeners (recording, next_poll_ms)",
        """
        CREATE TABLE encore_history_tracks (
            track_id BIGINT PRIMARY KEY,
            kind INTEGER NOT NULL,
            uri TEXT,
            name TEXT NOT NULL,
            artist TEXT NOT NULL,
            album TEXT NOT NULL,
            artists TEXT,
            duration_ms BIGINT,
            artist_id BIGINT NOT NULL,
            album_id BIGINT NOT NULL
        ){keyed}
        """,
        """
        CREATE TABLE encore_plays (
            listener_id BIGINT NOT NULL,
            played_at_ms BIGINT NOT NULL,
            track_id BIGINT NOT NULL,
            ms_played BIGINT NOT NULL,
            source INTEGER NOT NULL,
            context_uri TEXT,
            PRIMARY KEY (listener_id, played_at_ms)
        ){keyed}
        """,
        """
        CREATE TABLE encore_play_hours (
            listener_id BIGINT NOT NULL,
            local_hour BIGINT NOT NULL,
            plays BIGINT NOT NULL,
            short_plays BIGINT NOT NULL,
            ms_played BIGINT NOT NULL,
            PRIMARY KEY (listener_id, local_hour)
        ){keyed}
        """,
        """
        CREATE TABLE encore_play_days (
            listener_id BIGINT NOT NULL,
            local_day BIGINT NOT NULL,
            local_month BIGINT NOT NULL,
            plays BIGINT NOT NULL,
            short_plays BIGINT NOT NULL,
            ms_played BIGINT NOT NULL,
            PRIMARY KEY (listener_id, local_day)
        ){keyed}
        """,
        """
        CREATE TABLE encore_play_hour_months (
            listener_id BIGINT NOT NULL,
            local_month BIGINT NOT NULL,
            hour_of_day BIGINT NOT NULL,
            plays BIGINT NOT NULL,
            short_plays BIGINT NOT NULL,
            ms_played BIGINT NOT NULL,
            PRIMARY KEY (listener_id, local_month, hour_of_day)
        ){keyed}
        """,
        """
        CREATE TABLE encore_play_months (
            listener_id BIGINT NOT NULL,
            local_month BIGINT NOT NULL,
            track_id BIGINT NOT NULL,
            plays BIGINT NOT NULL,
            short_plays BIGINT NOT NULL,
            ms_played BIGINT NOT NULL,
            PRIMARY KEY (listener_id, local_month, track_id)
        ){keyed}
        """,
        """
        CREATE TABLE encore_play_tracks (
            listener_id BIGINT NOT NULL,
            track_id BIGINT NOT NULL,
            plays BIGINT NOT NULL,
            short_plays BIGINT NOT NULL,
            ms_played BIGINT NOT NULL,
            first_played_ms BIGINT NOT NULL,
            last_played_ms BIGINT NOT NULL,
            PRIMARY KEY (listener_id, track_id)
        ){keyed}
        """,
        """
        CREATE TABLE encore_play_packs (
            listener_id BIGINT NOT NULL,
            unit INTEGER NOT NULL,
            number BIGINT NOT NULL,
            generation BIGINT NOT NULL,
            entries BIGINT NOT NULL,
            body {bytes} NOT NULL,
            PRIMARY KEY (listener_id, unit, number)
        ){keyed}
        """,
        """
        CREATE TABLE encore_history_imports (
            import_id TEXT PRIMARY KEY,
            listener_id BIGINT NOT NULL,
            file_name TEXT NOT NULL,
            state TEXT NOT NULL,
            entries BIGINT NOT NULL,
            added BIGINT NOT NULL,
            duplicates BIGINT NOT NULL,
            malformed BIGINT NOT NULL,
            unidentified BIGINT NOT NULL,
            message TEXT,
            started_at BIGINT NOT NULL,
            updated_at BIGINT NOT NULL
        )
        """,
        "CREATE INDEX encore_history_imports_listener ON encore_history_imports (listener_id, started_at)",
    ]

    /// Schema step 5: every export entry one play, and what one listener uploads theirs alone.
    ///
    /// - `encore_plays` is keyed by listener, moment and entry (``PlayIdentity``), so distinct
    ///   entries that end in the same millisecond are all kept. Plays stored before keep entry
    ///   `0` (recorded ones get their track, which is their identity); an import of their file
    ///   finds each again by its moment, track and length and gives it its entry
    ///   (`legacy_entries` counts those left). Reasons and the skip flag are kept.
    /// - `encore_history_items` replaces the shared `encore_history_tracks`: each listener's
    ///   names are their own, so an upload cannot rename music for anyone else, and forgetting
    ///   a history deletes them.
    /// - A listener's row counts their entries (for `ENCORE_HISTORY_MAX_PLAYS`) and carries the
    ///   cursor of a time-zone change being worked through in batches.
    /// - An import keeps the new figures of its report, and a report per file.
    static let entries =
        [
            """
            CREATE TABLE encore_history_items (
                listener_id BIGINT NOT NULL,
                track_id BIGINT NOT NULL,
                kind INTEGER NOT NULL,
                uri TEXT,
                name TEXT NOT NULL,
                artist TEXT NOT NULL,
                album TEXT NOT NULL,
                artists TEXT,
                duration_ms BIGINT,
                artist_id BIGINT NOT NULL,
                album_id BIGINT NOT NULL,
                artist_uri TEXT,
                album_uri TEXT,
                PRIMARY KEY (listener_id, track_id)
            ){keyed}
            """,
            """
            INSERT INTO encore_history_items (listener_id, track_id, kind, uri, name, artist, album, artists, duration_ms, artist_id, album_id)
            SELECT p.listener_id, t.track_id, t.kind, t.uri, t.name, t.artist, t.album, t.artists, t.duration_ms, t.artist_id, t.album_id
            FROM (SELECT DISTINCT listener_id, track_id FROM encore_plays) AS p JOIN encore_history_tracks t ON t.track_id = p.track_id
            """,
            "DROP TABLE encore_history_tracks",
            """
            CREATE TABLE encore_plays_entries (
                listener_id BIGINT NOT NULL,
                played_at_ms BIGINT NOT NULL,
                entry_id BIGINT NOT NULL,
                track_id BIGINT NOT NULL,
                ms_played BIGINT NOT NULL,
                source INTEGER NOT NULL,
                context_uri TEXT,
                reason_start INTEGER,
                reason_end INTEGER,
                skipped INTEGER,
                PRIMARY KEY (listener_id, played_at_ms, entry_id)
            ){keyed}
            """,
            """
            INSERT INTO encore_plays_entries (listener_id, played_at_ms, entry_id, track_id, ms_played, source, context_uri)
            SELECT listener_id, played_at_ms, CASE WHEN source = 1 THEN track_id ELSE 0 END, track_id, ms_played, source, context_uri FROM encore_plays
            """,
            "DROP TABLE encore_plays",
            "ALTER TABLE encore_plays_entries RENAME TO encore_plays",
            "ALTER TABLE encore_history_listeners ADD COLUMN entries BIGINT NOT NULL DEFAULT 0",
            "ALTER TABLE encore_history_listeners ADD COLUMN legacy_entries BIGINT NOT NULL DEFAULT 0",
            "ALTER TABLE encore_history_listeners ADD COLUMN rezone_cursor_ms BIGINT",
            "ALTER TABLE encore_history_listeners ADD COLUMN rezoned_at_ms BIGINT",
            """
            UPDATE encore_history_listeners SET
                entries = (SELECT COUNT(*) FROM encore_plays p WHERE p.listener_id = encore_history_listeners.listener_id),
                legacy_entries = (SELECT COUNT(*) FROM encore_plays p WHERE p.listener_id = encore_history_listeners.listener_id AND p.entry_id = 0)
            """,
            // How much of a day's listening is the recorder's estimate, for the pages to say so.
            "ALTER TABLE encore_play_days ADD COLUMN estimated_ms BIGINT NOT NULL DEFAULT 0",
            "ALTER TABLE encore_play_days ADD COLUMN estimated_entries BIGINT NOT NULL DEFAULT 0",
            // An item's months: PostgreSQL 15 read the monthly rollup's keys (month, track) for an
            // artist's 30 tracks with a scan of the whole table (37 ms at a million plays) and
            // wants this index; SQLite looks the keys up itself, and there the index would cost
            // a million-play import 3.5 s of 14.
            "{postgresql}CREATE INDEX encore_play_months_track ON encore_play_months (listener_id, track_id, local_month)",
            // An item's story: each track's plays by local hour of the day, in its own row.
        ] + RollupDelta.hourColumns.map { "ALTER TABLE encore_play_tracks ADD COLUMN \($0) BIGINT NOT NULL DEFAULT 0" } + [
            // Listening sessions of the entries that ended in each local month, merged (SessionSpans).
            """
            CREATE TABLE encore_play_sessions (
                listener_id BIGINT NOT NULL,
                local_month BIGINT NOT NULL,
                body {bytes} NOT NULL,
                PRIMARY KEY (listener_id, local_month)
            ){keyed}
            """,
            // Every listener with plays recounts their rollups (HistoryMaintenance), which fills all of those in.
            "UPDATE encore_history_listeners SET rezone_cursor_ms = -9223372036854775807 - 1 WHERE listener_id IN (SELECT DISTINCT listener_id FROM encore_plays)",
            "ALTER TABLE encore_history_imports ADD COLUMN merged BIGINT NOT NULL DEFAULT 0",
            "ALTER TABLE encore_history_imports ADD COLUMN video BIGINT NOT NULL DEFAULT 0",
            "ALTER TABLE encore_history_imports ADD COLUMN files TEXT",
        ]

    /// Schema step 6: a revision per listener that every write of plays moves on, so figures
    /// remembered in memory (``PeriodMemo``) know at once, on any instance, that they are stale.
    static let revisions = ["ALTER TABLE encore_history_listeners ADD COLUMN revision BIGINT NOT NULL DEFAULT 0"]

    /// The history's steps, numbered in the store's one sequence (its own are 1–3).
    static let steps = [
        SchemaStep(version: 4, name: "listening history", statements: statements),
        SchemaStep(version: 5, name: "history entries and per-listener items", statements: entries),
        SchemaStep(version: 6, name: "history revisions", statements: revisions),
    ]
}

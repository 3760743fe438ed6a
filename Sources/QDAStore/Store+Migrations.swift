import GRDB

extension Store {
  /// The schema, as named migrations.
  ///
  /// A released migration is never edited; changes come as new migrations.
  static var migrator: DatabaseMigrator {
    var migrator = DatabaseMigrator()
    migrator.registerMigration("v1-sources-units-codings") { db in
      try db.execute(
        sql: """
          CREATE TABLE source (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL UNIQUE,
            path TEXT NOT NULL,
            kind TEXT NOT NULL,
            contentHash TEXT NOT NULL,
            settings TEXT NOT NULL,
            importedAt TEXT NOT NULL
          );
          CREATE TABLE unit (
            id TEXT PRIMARY KEY,
            sourceId INTEGER NOT NULL REFERENCES source(id) ON DELETE CASCADE,
            ordinal INTEGER NOT NULL,
            kind TEXT NOT NULL,
            date TEXT,
            speaker TEXT,
            role TEXT,
            startTime REAL,
            endTime REAL,
            line INTEGER,
            contentHash TEXT NOT NULL
          );
          CREATE INDEX unit_bySource ON unit(sourceId, ordinal);
          CREATE INDEX unit_byKindDate ON unit(kind, date);
          CREATE TABLE unitText (
            unitId TEXT NOT NULL REFERENCES unit(id) ON DELETE CASCADE,
            field TEXT NOT NULL,
            position INTEGER NOT NULL,
            text TEXT NOT NULL,
            PRIMARY KEY (unitId, field)
          ) WITHOUT ROWID;
          CREATE TABLE unitAttribute (
            unitId TEXT NOT NULL REFERENCES unit(id) ON DELETE CASCADE,
            name TEXT NOT NULL,
            position INTEGER NOT NULL,
            value TEXT NOT NULL,
            PRIMARY KEY (unitId, name)
          ) WITHOUT ROWID;
          CREATE INDEX unitAttribute_byName ON unitAttribute(name, value);
          CREATE TABLE codebook (
            hash TEXT PRIMARY KEY,
            id TEXT NOT NULL,
            title TEXT NOT NULL,
            version TEXT NOT NULL,
            path TEXT NOT NULL,
            appliedSequence INTEGER NOT NULL,
            loadedAt TEXT NOT NULL
          );
          CREATE TABLE code (
            codebookHash TEXT NOT NULL REFERENCES codebook(hash) ON DELETE CASCADE,
            id TEXT NOT NULL,
            theme TEXT NOT NULL,
            themeName TEXT NOT NULL,
            name TEXT NOT NULL,
            position INTEGER NOT NULL,
            PRIMARY KEY (codebookHash, id)
          );
          CREATE TABLE coding (
            id INTEGER PRIMARY KEY,
            unitId TEXT NOT NULL REFERENCES unit(id) ON DELETE CASCADE,
            code TEXT NOT NULL,
            coder TEXT NOT NULL,
            rule TEXT,
            codebookHash TEXT,
            field TEXT,
            spanStart INTEGER,
            spanEnd INTEGER,
            memo TEXT,
            createdAt TEXT NOT NULL,
            UNIQUE (unitId, code, coder)
          );
          CREATE INDEX coding_byCoderCode ON coding(coder, code, unitId);
          """)
    }
    migrator.registerMigration("v2-full-text-search") { db in
      // unicode61 folds case and (with remove_diacritics 2) Latin accents;
      // qda_fold adds what it lacks for Russian: ё read as е.
      try db.execute(
        sql: """
          CREATE VIRTUAL TABLE unitSearch USING fts5(
            unitId UNINDEXED, field UNINDEXED, text,
            tokenize = 'unicode61 remove_diacritics 2'
          );
          INSERT INTO unitSearch (unitId, field, text)
            SELECT unitId, field, qda_fold(text) FROM unitText;
          CREATE TRIGGER unitText_afterInsert AFTER INSERT ON unitText BEGIN
            INSERT INTO unitSearch (unitId, field, text)
              VALUES (new.unitId, new.field, qda_fold(new.text));
          END;
          CREATE TRIGGER unitText_afterDelete AFTER DELETE ON unitText BEGIN
            DELETE FROM unitSearch WHERE unitId = old.unitId AND field = old.field;
          END;
          """)
    }
    migrator.registerMigration("v3-review") { db in
      try db.execute(
        sql: """
          CREATE TABLE review (
            coder TEXT NOT NULL,
            unitId TEXT NOT NULL REFERENCES unit(id) ON DELETE CASCADE,
            status TEXT NOT NULL,
            memo TEXT,
            reviewedAt TEXT NOT NULL,
            PRIMARY KEY (coder, unitId)
          ) WITHOUT ROWID;
          """)
    }
    migrator.registerMigration("v4-project-state") { db in
      try db.execute(
        sql:
          "CREATE TABLE projectState (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID"
      )
    }
    migrator.registerMigration("v5-external-content-search") { db in
      // Texts get integer row ids, and the full-text index refers to them
      // (external content) instead of keeping a second copy of every text.
      // New texts are indexed by one statement per import (see
      // `importSource`): a trigger inserting row by row makes SQLite 3.40's
      // FTS5 flush its pending terms at every statement.
      try db.execute(
        sql: """
          DROP TRIGGER unitText_afterInsert;
          DROP TRIGGER unitText_afterDelete;
          DROP TABLE unitSearch;
          ALTER TABLE unitText RENAME TO unitText_v4;
          CREATE TABLE unitText (
            id INTEGER PRIMARY KEY,
            unitId TEXT NOT NULL REFERENCES unit(id) ON DELETE CASCADE,
            field TEXT NOT NULL,
            position INTEGER NOT NULL,
            text TEXT NOT NULL,
            UNIQUE (unitId, field)
          );
          INSERT INTO unitText (unitId, field, position, text)
            SELECT unitId, field, position, text FROM unitText_v4;
          DROP TABLE unitText_v4;
          CREATE VIRTUAL TABLE unitSearch USING fts5(
            text, content = 'unitText', content_rowid = 'id',
            tokenize = 'unicode61 remove_diacritics 2'
          );
          INSERT INTO unitSearch (rowid, text)
            SELECT id, \(Store.foldSQL("text")) FROM unitText;
          CREATE TRIGGER unitText_afterDelete AFTER DELETE ON unitText BEGIN
            INSERT INTO unitSearch (unitSearch, rowid, text)
              VALUES ('delete', old.id, \(Store.foldSQL("old.text")));
          END;
          INSERT INTO projectState (key, value)
            SELECT '\(Store.textOrderKey)',
                   CASE WHEN EXISTS (SELECT 1 FROM unitText) THEN 'no' ELSE 'yes' END;
          """)
    }
    migrator.registerMigration("v6-tallies") { db in
      // Counts per grouping, value and code (NULL: units), written by
      // `code auto`; see `TallyBuilder`.
      try db.execute(
        sql: """
          CREATE TABLE tally (
            dimension TEXT NOT NULL,
            code TEXT,
            value TEXT,
            units INTEGER NOT NULL
          );
          CREATE INDEX tally_byDimension ON tally(dimension, code, value);
          """)
    }
    migrator.registerMigration("v7-search-without-sizes") { db in
      // The full-text index without its per-text token counts
      // (`columnsize=0`), which only bm25 ranking reads and qda never ranks
      // by: 2 million fewer rows per million cases, and 1.5 s less import.
      try db.execute(
        sql: """
          DROP TRIGGER unitText_afterDelete;
          DROP TABLE unitSearch;
          \(Store.searchIndexSQL);
          """)
    }
    migrator.registerMigration("v8-coding-runs") { db in
      // What every coding of one command shares — the codebook whose rules
      // made it and when — is kept once per command in `codingRun`, not in
      // every row; and the table is keyed by (unit, code, coder) itself,
      // without a row id and the index that mapped the key to it. A million
      // cases' 1.3 million `auto` codings: 356 MB → 171 MB, written in 4.9 s
      // instead of 6.0 s (`sqlite3` shell).
      try db.execute(
        sql: """
          CREATE TABLE codingRun (
            id INTEGER PRIMARY KEY,
            codebookHash TEXT,
            createdAt TEXT NOT NULL
          );
          INSERT INTO codingRun (codebookHash, createdAt)
            SELECT codebookHash, createdAt FROM coding
            GROUP BY codebookHash, createdAt ORDER BY MIN(id);
          DROP INDEX coding_byCoderCode;
          ALTER TABLE coding RENAME TO coding_v7;
          \(Store.codingTableSQL);
          INSERT INTO coding (unitId, code, coder, runId, rule, field, spanStart, spanEnd, memo)
            SELECT c.unitId, c.code, c.coder, r.id, c.rule, c.field, c.spanStart, c.spanEnd,
                   c.memo
            FROM coding_v7 c
            JOIN codingRun r ON r.codebookHash IS c.codebookHash AND r.createdAt = c.createdAt
            ORDER BY c.unitId, c.code, c.coder;
          DROP TABLE coding_v7;
          \(Store.codingIndexSQL);
          """)
    }
    migrator.registerMigration("v9-narrow-query-indexes") { db in
      // The query indexes keyed by what is looked up: a unit's kind (no
      // query seeks a date) and an attribute's name (its values are read
      // by unit). A first load builds both after its rows, on one core: a
      // million cases took 1.4 s for the wider keys, 0.4 s for these
      // (`sqlite3` shell), since rows of one kind or name come sorted.
      try db.execute(
        sql: """
          DROP INDEX unit_byKindDate;
          DROP INDEX unitAttribute_byName;
          \(Store.secondaryIndexes.map(\.sql).joined(separator: ";\n"));
          """)
    }
    migrator.registerMigration("v10-short-unit-hashes") { db in
      // Units' content hashes as the importers now make them, the first 15
      // of their 64 hexadecimal digits, so that an unchanged unit stays
      // unchanged at its next import.
      try db.execute(
        sql: """
          UPDATE unit SET contentHash = substr(contentHash, 1, 15)
          WHERE length(contentHash) = 64
          """)
    }
    migrator.registerMigration("v11-texts-by-unit-range") { db in
      // A unit's texts are found by the range of text ids it records
      // (`firstText`, `textCount`), not by an index on their unit id, which
      // a million cases' import filled row by row on its critical thread
      // (a fifth of that thread's work) and which took 55 MB. Texts are
      // numbered anew so that each unit's are consecutive, in unit and
      // position order; a deleted unit's texts go by a trigger, as the
      // foreign key's cascade did.
      try db.execute(
        sql: """
          DROP TRIGGER unitText_afterDelete;
          DROP TABLE unitSearch;
          ALTER TABLE unit ADD COLUMN firstText INTEGER NOT NULL DEFAULT 0;
          ALTER TABLE unit ADD COLUMN textCount INTEGER NOT NULL DEFAULT 0;
          ALTER TABLE unitText RENAME TO unitText_v10;
          \(Store.textTableSQL);
          INSERT INTO unitText (unitId, field, position, text)
            SELECT t.unitId, t.field, t.position, t.text
            FROM unit u JOIN unitText_v10 t ON t.unitId = u.id
            ORDER BY u.rowid, t.position;
          DROP TABLE unitText_v10;
          CREATE INDEX unitText_byUnit ON unitText(unitId);
          UPDATE unit SET
            firstText = ifnull((SELECT MIN(id) FROM unitText WHERE unitId = unit.id), 0),
            textCount = (SELECT COUNT(*) FROM unitText WHERE unitId = unit.id);
          DROP INDEX unitText_byUnit;
          \(Store.searchIndexSQL);
          CREATE TRIGGER unit_afterDelete AFTER DELETE ON unit BEGIN
            DELETE FROM unitText
            WHERE id >= old.firstText AND id < old.firstText + old.textCount;
          END;
          """)
    }
    migrator.registerMigration("v12-coding-names-numbered") { db in
      // A coding's code, coder, rule and field are numbers into
      // `codingName`, each name written once; the `coding` view reads (and,
      // by its triggers, writes) codings with their names as before. A
      // million cases' 1.3 million `auto` codings and their coder index:
      // 180 MB → 70 MB, which `code auto` writes twice (to the write-ahead
      // log, then into the file), and B-tree keys compared as numbers.
      try db.execute(
        sql: """
          CREATE TABLE codingName (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL UNIQUE
          );
          INSERT INTO codingName (name)
            SELECT code FROM coding UNION SELECT coder FROM coding
            UNION SELECT rule FROM coding WHERE rule IS NOT NULL
            UNION SELECT field FROM coding WHERE field IS NOT NULL;
          DROP INDEX coding_byCoderCode;
          ALTER TABLE coding RENAME TO coding_v11;
          \(Store.codingRowTableSQL);
          INSERT INTO codingRow
            (unitId, codeId, coderId, runId, ruleId, fieldId, spanStart, spanEnd, memo)
            SELECT c.unitId, k.id, w.id, c.runId, r.id, f.id, c.spanStart, c.spanEnd,
                   c.memo
            FROM coding_v11 c
            JOIN codingName k ON k.name = c.code
            JOIN codingName w ON w.name = c.coder
            LEFT JOIN codingName r ON r.name = c.rule
            LEFT JOIN codingName f ON f.name = c.field
            ORDER BY c.unitId, k.id, w.id;
          DROP TABLE coding_v11;
          \(Store.codingRowIndexSQL);
          \(Store.codingViewSQL);
          """)
    }
    migrator.registerMigration("v13-search-without-positions") { db in
      // The full-text index keeps which texts hold a term, not where
      // (`detail = none`): a million cases' import 1.3–2.9 s less CPU, and the
      // index 85 → 31 MB. Queries that need positions are answered through
      // `SearchQuery` and `SearchProbe`.
      try db.execute(
        sql: """
          DROP TRIGGER unitText_afterDelete;
          DROP TABLE unitSearch;
          \(Store.searchIndexWithoutPositionsSQL);
          """)
    }
    migrator.registerMigration("v14-unit-attributes-packed") { db in
      // Each unit's attributes also in its own row (`PackedAttributes`),
      // for readers that scan the units: `unitAttribute`, keyed by unit id,
      // is met in a scan's order only while ids ascend as text.
      try db.execute(
        sql: """
          ALTER TABLE unit ADD COLUMN attributes TEXT;
          UPDATE unit SET attributes = (
            SELECT group_concat(
              length(CAST(name AS BLOB)) || ':' || name
                || length(CAST(value AS BLOB)) || ':' || value, '')
            FROM (
              SELECT name, value FROM unitAttribute
              WHERE unitId = unit.id ORDER BY position));
          """)
    }
    migrator.registerMigration("v15-attributes-only-packed") { db in
      // Attributes live in the unit's row alone (`PackedAttributes`); their
      // rows, which an import wrote, indexed and (for ids out of order)
      // gathered and sorted, go. A million-message chat imported in 8.4 s
      // instead of 12.3 s, into 380 MB instead of 682 MB. The names in use
      // are kept in `attributeName`. `unitAttribute` stays as a view, in
      // plain SQL, for queries in the `sqlite3` shell: it unpacks every
      // unit's text, slowly (3.5 million attributes in 12 s); qda itself
      // never reads it.
      try db.execute(
        sql: """
          CREATE TABLE attributeName (name TEXT PRIMARY KEY) WITHOUT ROWID;
          INSERT INTO attributeName SELECT DISTINCT name FROM unitAttribute;
          DROP INDEX IF EXISTS unitAttribute_byName;
          DROP TABLE unitAttribute;
          \(Store.attributeViewSQL);
          """)
    }
    return migrator
  }

  /// `unitAttribute` as a view of the units' packed attributes, a row per
  /// attribute (unit id, name, position, value), for queries by hand.
  ///
  /// A recursive query takes each unit's packed text apart as a `BLOB`,
  /// whose lengths and offsets count bytes, as the packed lengths do.
  static let attributeViewSQL = """
    CREATE VIEW unitAttribute (unitId, name, position, value) AS
    WITH RECURSIVE part (unitId, rest, k, this, previous) AS (
      SELECT id, CAST(attributes AS BLOB), -1, NULL, NULL FROM unit
      WHERE attributes IS NOT NULL
      UNION ALL
      SELECT unitId,
        substr(rest, instr(rest, X'3A') + 1
          + CAST(CAST(substr(rest, 1, instr(rest, X'3A') - 1) AS TEXT) AS INTEGER)),
        k + 1,
        substr(rest, instr(rest, X'3A') + 1,
          CAST(CAST(substr(rest, 1, instr(rest, X'3A') - 1) AS TEXT) AS INTEGER)),
        this
      FROM part WHERE length(rest) > 0 AND instr(rest, X'3A') > 0
    )
    SELECT unitId, CAST(previous AS TEXT), k / 2, CAST(this AS TEXT)
    FROM part WHERE k % 2 = 1
    """

  /// The full-text index as migration v13 made it (no per-text sizes, no
  /// token positions), filled from the texts with the bulk settings, and
  /// the trigger that takes a deleted text out of it.
  static let searchIndexWithoutPositionsSQL = """
    CREATE VIRTUAL TABLE unitSearch USING fts5(
      text, content = 'unitText', content_rowid = 'id', columnsize = 0,
      detail = none, tokenize = 'unicode61 remove_diacritics 2'
    );
    INSERT INTO unitSearch (unitSearch, rank) VALUES ('automerge', 0);
    INSERT INTO unitSearch (unitSearch, rank) VALUES ('crisismerge', 256);
    INSERT INTO unitSearch (unitSearch, rank) VALUES ('hashsize', 33554432);
    INSERT INTO unitSearch (rowid, text)
      SELECT id, \(foldSQL("text")) FROM unitText;
    INSERT INTO unitSearch (unitSearch, rank) VALUES ('automerge', 4);
    INSERT INTO unitSearch (unitSearch, rank) VALUES ('crisismerge', 16);
    INSERT INTO unitSearch (unitSearch, rank) VALUES ('hashsize', 1048576);
    CREATE TRIGGER unitText_afterDelete AFTER DELETE ON unitText BEGIN
      INSERT INTO unitSearch (unitSearch, rowid, text)
        VALUES ('delete', old.id, \(foldSQL("old.text")));
    END
    """

  /// The full-text index as migration v7 made it (no per-text sizes),
  /// filled from the texts, and the trigger that takes a deleted text out
  /// of it; v11 makes it again after renumbering the texts.
  static let searchIndexSQL = """
    CREATE VIRTUAL TABLE unitSearch USING fts5(
      text, content = 'unitText', content_rowid = 'id', columnsize = 0,
      tokenize = 'unicode61 remove_diacritics 2'
    );
    INSERT INTO unitSearch (rowid, text)
      SELECT id, \(foldSQL("text")) FROM unitText;
    CREATE TRIGGER unitText_afterDelete AFTER DELETE ON unitText BEGIN
      INSERT INTO unitSearch (unitSearch, rowid, text)
        VALUES ('delete', old.id, \(foldSQL("old.text")));
    END
    """

  /// The text table as migration v11 made it: a unit's texts are the rows
  /// from its `firstText` on, `textCount` of them.
  static let textTableSQL = """
    CREATE TABLE unitText (
      id INTEGER PRIMARY KEY,
      unitId TEXT NOT NULL,
      field TEXT NOT NULL,
      position INTEGER NOT NULL,
      text TEXT NOT NULL
    )
    """

  /// The condition that joins a unit `u` to its texts `t`: a range of text
  /// ids, which SQLite seeks.
  static let textsOfUnit =
    "t.id >= u.firstText AND t.id < u.firstText + u.textCount"

  /// The coding table as migration v8 made it: one row per unit, code and
  /// coder, the rest of its provenance in the `codingRun` it belongs to.
  static let codingTableSQL = """
    CREATE TABLE coding (
      unitId TEXT NOT NULL REFERENCES unit(id) ON DELETE CASCADE,
      code TEXT NOT NULL,
      coder TEXT NOT NULL,
      runId INTEGER NOT NULL,
      rule TEXT,
      field TEXT,
      spanStart INTEGER,
      spanEnd INTEGER,
      memo TEXT,
      PRIMARY KEY (unitId, code, coder)
    ) WITHOUT ROWID
    """

  /// The coder index, as the first migration made it (until v12).
  static let codingIndexSQL =
    "CREATE INDEX coding_byCoderCode ON coding(coder, code, unitId)"

  /// The coding table as migration v12 made it: the names of a coding's
  /// code, coder, rule and field are numbers into `codingName`.
  static let codingRowTableSQL = """
    CREATE TABLE codingRow (
      unitId TEXT NOT NULL REFERENCES unit(id) ON DELETE CASCADE,
      codeId INTEGER NOT NULL,
      coderId INTEGER NOT NULL,
      runId INTEGER NOT NULL,
      ruleId INTEGER,
      fieldId INTEGER,
      spanStart INTEGER,
      spanEnd INTEGER,
      memo TEXT,
      PRIMARY KEY (unitId, codeId, coderId)
    ) WITHOUT ROWID
    """

  /// The coder index of `codingRow`: a coder's codings of a code.
  static let codingRowIndexSQL =
    "CREATE INDEX codingRow_byCoderCode ON codingRow(coderId, codeId, unitId)"

  /// The `coding` view over `codingRow`, with the names, and the triggers
  /// that write codings through it as the table of the same name was
  /// written before v12.
  ///
  /// The code and coder names are joined (every number has its name), so
  /// that a query naming a code or coder seeks its number and then the
  /// index; the rule and field, which queries show but do not look up by,
  /// are read by subqueries, which SQLite leaves out where a query does not
  /// use them (a join it would make for every row). A name a coding brings
  /// is added to `codingName` when it is new. An insert's conflict clause
  /// (`OR IGNORE`, `OR REPLACE`) governs the trigger's insert into
  /// `codingRow`, as SQLite passes it on.
  static let codingViewSQL = """
    CREATE VIEW coding AS
      SELECT r.unitId AS unitId, k.name AS code, w.name AS coder,
             r.runId AS runId,
             (SELECT name FROM codingName WHERE id = r.ruleId) AS rule,
             (SELECT name FROM codingName WHERE id = r.fieldId) AS field,
             r.spanStart AS spanStart, r.spanEnd AS spanEnd, r.memo AS memo
      FROM codingRow r
      JOIN codingName k ON k.id = r.codeId
      JOIN codingName w ON w.id = r.coderId;
    CREATE TRIGGER coding_insteadOfInsert INSTEAD OF INSERT ON coding BEGIN
      INSERT INTO codingName (name)
        SELECT name FROM (
          SELECT new.code AS name UNION SELECT new.coder
          UNION SELECT new.rule UNION SELECT new.field)
        WHERE name IS NOT NULL
          AND name NOT IN (SELECT name FROM codingName);
      INSERT INTO codingRow
        (unitId, codeId, coderId, runId, ruleId, fieldId, spanStart, spanEnd, memo)
      VALUES (
        new.unitId,
        (SELECT id FROM codingName WHERE name = new.code),
        (SELECT id FROM codingName WHERE name = new.coder),
        new.runId,
        (SELECT id FROM codingName WHERE name = new.rule),
        (SELECT id FROM codingName WHERE name = new.field),
        new.spanStart, new.spanEnd, new.memo);
    END;
    CREATE TRIGGER coding_insteadOfDelete INSTEAD OF DELETE ON coding BEGIN
      DELETE FROM codingRow
      WHERE unitId = old.unitId
        AND codeId = (SELECT id FROM codingName WHERE name = old.code)
        AND coderId = (SELECT id FROM codingName WHERE name = old.coder);
    END;
    CREATE TRIGGER coding_insteadOfUpdate INSTEAD OF UPDATE ON coding BEGIN
      DELETE FROM codingRow
      WHERE unitId = old.unitId
        AND codeId = (SELECT id FROM codingName WHERE name = old.code)
        AND coderId = (SELECT id FROM codingName WHERE name = old.coder);
      INSERT INTO coding
        (unitId, code, coder, runId, rule, field, spanStart, spanEnd, memo)
      VALUES (
        new.unitId, new.code, new.coder, new.runId, new.rule, new.field,
        new.spanStart, new.spanEnd, new.memo);
    END
    """

  /// Every coding with its names, as the `coding` view has them, for a
  /// query that reads them all.
  ///
  /// Read in the table's own order: SQLite would scan the narrower coder
  /// index and look each row up in the table (`NOT INDEXED` does not stop
  /// it; naming the primary key's index does). The rule and field are
  /// joined, which costs less than the view's subqueries when every row
  /// shows them. Callgrind, the export query on 20,000 cases' codings:
  /// 682 million instructions through the view, 519 million this way, 470
  /// million before v12.
  static let everyCodingSQL = """
    (SELECT r.unitId AS unitId, k.name AS code, w.name AS coder,
            r.runId AS runId, ru.name AS rule, f.name AS field,
            r.spanStart AS spanStart, r.spanEnd AS spanEnd, r.memo AS memo
     FROM codingRow r INDEXED BY sqlite_autoindex_codingRow_1
     JOIN codingName k ON k.id = r.codeId
     JOIN codingName w ON w.id = r.coderId
     LEFT JOIN codingName ru ON ru.id = r.ruleId
     LEFT JOIN codingName f ON f.id = r.fieldId)
    """

  /// Applies the migrations this database lacks.
  func migrate() throws {
    // Reading first: an up-to-date database is not written to at all.
    let migrator = Self.migrator
    let isCurrent = try queue.read { db in
      try migrator.hasCompletedMigrations(db)
    }
    if !isCurrent { try migrator.migrate(queue) }
  }
}

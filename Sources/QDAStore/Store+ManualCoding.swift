import Foundation
import GRDB

/// A manual coding to write.
public struct ManualCoding: Sendable, Equatable {
  /// The unit id.
  public var unit: String
  /// The qualified code id.
  public var code: String
  /// The coder's memo.
  public var memo: String?
  /// The line of the file it came from, for messages.
  public var line: Int?

  /// Creates a manual coding.
  public init(unit: String, code: String, memo: String? = nil, line: Int? = nil)
  {
    self.unit = unit
    self.code = code
    self.memo = memo
    self.line = line
  }
}

/// A coding as `qda code list` shows it.
public struct UnitCoding: Sendable, Equatable {
  /// The qualified code id.
  public var code: String
  /// The coder.
  public var coder: String
  /// The rule, for `auto`.
  public var rule: String?
  /// The memo.
  public var memo: String?

  /// Creates a listed coding.
  public init(code: String, coder: String, rule: String?, memo: String?) {
    self.code = code
    self.coder = coder
    self.rule = rule
    self.memo = memo
  }
}

/// How a unit was left in a review session.
public enum ReviewStatus: String, Sendable {
  /// The coder finished the unit.
  case done
  /// The coder skipped it.
  case skipped
}

extension Store {
  /// The codes of the codebook applied last; manual codings must use them.
  func knownCodes(_ db: Database) throws -> (
    codes: Set<String>, codebook: String?
  ) {
    guard
      let hash = try String.fetchOne(
        db,
        sql: "SELECT hash FROM codebook ORDER BY appliedSequence DESC LIMIT 1")
    else { throw StoreError.noCodebook }
    let codes = try String.fetchAll(
      db, sql: "SELECT id FROM code WHERE codebookHash = ?", arguments: [hash])
    let id = try String.fetchOne(
      db, sql: "SELECT id FROM codebook WHERE hash = ?", arguments: [hash])
    return (Set(codes), id)
  }

  /// Adds manual codings of one coder in one transaction: all or nothing.
  ///
  /// A coding that exists already has its memo replaced (when one is given).
  ///
  /// - Parameters:
  ///   - codings: The codings.
  ///   - coder: The coder's name (not `auto`).
  ///   - path: The file they came from, for messages naming lines.
  /// - Returns: How many codings are new.
  /// - Throws: `StoreError` naming every unknown unit and code; nothing is written then.
  @discardableResult
  public func addCodings(
    _ codings: [ManualCoding], coder: String, path: String? = nil
  ) throws -> Int {
    // Another coder's codings change no tally (tallies count units and
    // `auto` codings).
    try write(keepsTallies: coder != "auto") { db in
      try addCodings(in: db, codings, coder: coder, path: path)
    }
  }

  /// Adds manual codings inside a transaction the caller holds.
  func addCodings(
    in db: Database, _ codings: [ManualCoding], coder: String, path: String?
  ) throws
    -> Int
  {
    do {
      let (codes, codebook) = try knownCodes(db)
      var problems: [StoreError] = []
      let unitExists = try db.makeStatement(
        sql: "SELECT 1 FROM unit WHERE id = ?")
      for coding in codings {
        let unitKnown =
          try Bool.fetchOne(unitExists, arguments: [coding.unit]) ?? false
        func report(_ error: StoreError, _ problem: String) {
          if let path, let line = coding.line {
            problems.append(
              .badCodingRow(path: path, line: line, problem: problem))
          } else {
            problems.append(error)
          }
        }
        if !unitKnown {
          report(
            .unknownUnit(coding.unit),
            "no unit '\(coding.unit)' in the database")
        }
        if !codes.contains(coding.code) {
          report(
            .unknownCode(coding.code, codebook: codebook),
            "no code '\(coding.code)' in codebook '\(codebook ?? "")'")
        }
      }
      if problems.count == 1 { throw problems[0] }
      if !problems.isEmpty { throw StoreError.multiple(problems) }
      let now = ISO8601DateFormatter().string(from: Date())
      let run = try Self.startRun(codebookHash: nil, at: now, in: db)
      var names = try CodingNames(db)
      let coderID = try names.id(of: coder)
      let insert = try db.makeStatement(
        sql: """
          INSERT INTO codingRow (unitId, codeId, coderId, runId, memo) VALUES (?, ?, ?, ?, ?)
          ON CONFLICT (unitId, codeId, coderId) DO UPDATE SET memo = COALESCE(excluded.memo, memo)
          """)
      var added = 0
      let exists = try db.makeStatement(
        sql:
          "SELECT 1 FROM codingRow WHERE unitId = ? AND codeId = ? AND coderId = ?"
      )
      for coding in codings {
        let codeID = try names.id(of: coding.code)
        if try Bool.fetchOne(
          exists, arguments: [coding.unit, codeID, coderID]) == nil
        {
          added += 1
        }
        try insert.execute(arguments: [
          coding.unit, codeID, coderID, run, coding.memo,
        ])
      }
      return added
    }
  }

  /// Removes one manual coding.
  ///
  /// - Throws: `StoreError.missingCoding` when there is no such coding.
  public func removeCoding(unit: String, code: String, coder: String) throws {
    try write(keepsTallies: coder != "auto") { db in
      // From the table: SQLite counts no change made through a view.
      try db.execute(
        sql: """
          DELETE FROM codingRow
          WHERE unitId = ?
            AND codeId = (SELECT id FROM codingName WHERE name = ?)
            AND coderId = (SELECT id FROM codingName WHERE name = ?)
          """,
        arguments: [unit, code, coder])
      if db.changesCount == 0 {
        let unitKnown =
          try Bool.fetchOne(
            db, sql: "SELECT 1 FROM unit WHERE id = ?", arguments: [unit])
          ?? false
        if !unitKnown { throw StoreError.unknownUnit(unit) }
        throw StoreError.missingCoding(unit: unit, code: code, coder: coder)
      }
    }
  }

  /// Every coding of a unit, by code in codebook order, then coder.
  ///
  /// - Throws: `StoreError.unknownUnit` for a unit not in the database.
  public func codings(ofUnit unit: String) throws -> [UnitCoding] {
    try read { db in
      guard
        try Bool.fetchOne(
          db, sql: "SELECT 1 FROM unit WHERE id = ?", arguments: [unit]) != nil
      else { throw StoreError.unknownUnit(unit) }
      return try Row.fetchAll(
        db,
        sql: """
          SELECT c.code, c.coder, c.rule, c.memo FROM coding c
          LEFT JOIN code k ON k.id = c.code
            AND k.codebookHash = (SELECT hash FROM codebook ORDER BY appliedSequence DESC LIMIT 1)
          WHERE c.unitId = ?
          ORDER BY k.position IS NULL, k.position, c.code, c.coder
          """, arguments: [unit]
      ).map { UnitCoding(code: $0[0], coder: $0[1], rule: $0[2], memo: $0[3]) }
    }
  }

  // MARK: - Review sessions

  /// The units a coder has not reviewed yet, in source and file order.
  public func unitsToReview(coder: String, filter: UnitFilter) throws
    -> [ExportedUnit]
  {
    let reviewed = try read { db in
      try Set(
        String.fetchAll(
          db,
          sql:
            "SELECT unitId FROM review WHERE coder = ? AND status IN ('done', 'skipped')",
          arguments: [coder]))
    }
    return try exportedUnits(filter).filter { !reviewed.contains($0.id) }
  }

  /// Records that a coder finished or skipped a unit, with an optional memo.
  public func markReviewed(
    unit: String, coder: String, status: ReviewStatus, memo: String?
  ) throws {
    try write(keepsTallies: true) { db in
      try db.execute(
        sql: """
          INSERT INTO review (coder, unitId, status, memo, reviewedAt) VALUES (?, ?, ?, ?, ?)
          ON CONFLICT (coder, unitId) DO UPDATE SET status = excluded.status,
            memo = COALESCE(excluded.memo, memo), reviewedAt = excluded.reviewedAt
          """,
        arguments: [
          coder, unit, status.rawValue, memo,
          ISO8601DateFormatter().string(from: Date()),
        ])
    }
  }

  /// Sets the memo of a unit in a coder's review.
  public func setReviewMemo(unit: String, coder: String, memo: String) throws {
    try write(keepsTallies: true) { db in
      try db.execute(
        sql: """
          INSERT INTO review (coder, unitId, status, memo, reviewedAt) VALUES (?, ?, 'open', ?, ?)
          ON CONFLICT (coder, unitId) DO UPDATE SET memo = excluded.memo
          """,
        arguments: [
          coder, unit, memo, ISO8601DateFormatter().string(from: Date()),
        ])
    }
  }

  /// The review memo of a unit, if any.
  public func reviewMemo(unit: String, coder: String) throws -> String? {
    try read { db in
      try String.fetchOne(
        db, sql: "SELECT memo FROM review WHERE coder = ? AND unitId = ?",
        arguments: [coder, unit])
    }
  }

  /// The review memos of a unit, by coder.
  public func reviewMemos(unit: String) throws -> [(
    coder: String, memo: String
  )] {
    try read { db in
      try Row.fetchAll(
        db,
        sql:
          "SELECT coder, memo FROM review WHERE unitId = ? AND memo IS NOT NULL ORDER BY coder",
        arguments: [unit]
      ).map { ($0[0], $0[1]) }
    }
  }

  /// The codes of the codebook applied last, in order.
  public func codebookCodes() throws -> [StoredCode] { try currentCodes() }
}

import Foundation
import GRDB

/// A coding of an imported project.
public struct ProjectCoding: Sendable, Equatable {
  /// The unit id.
  public var unit: String
  /// The qualified code id.
  public var code: String
  /// The coder.
  public var coder: String
  /// The field of the span.
  public var field: String?
  /// The span in the unit's `field`, in Unicode scalar offsets.
  public var span: Range<Int>?
  /// The memo.
  public var memo: String?

  /// Creates a project coding.
  public init(
    unit: String, code: String, coder: String, field: String? = nil,
    span: Range<Int>?, memo: String?
  ) {
    self.unit = unit
    self.code = code
    self.coder = coder
    self.field = field
    self.span = span
    self.memo = memo
  }
}

extension Store {
  /// Imports a whole project in one transaction: its sources and units, its
  /// codebook (recorded as the current one) and every coding by its coder.
  ///
  /// - Returns: The summaries of the sources.
  /// - Throws: `StoreError` (for example a unit id another source uses); nothing
  ///   is written then.
  public func importProject(
    sources: [(source: SourceDraft, units: [UnitDraft])],
    codebook: CodebookDraft,
    codings: [ProjectCoding]
  ) throws -> [ImportSummary] {
    try write { db in
      var summaries: [ImportSummary] = []
      for (source, units) in sources {
        var iterator = units.makeIterator()
        summaries.append(
          try importSource(in: db, source, units: { iterator.next() }))
      }
      let now = ISO8601DateFormatter().string(from: Date())
      try Self.recordAsCurrent(codebook, in: db, at: now)
      let run = try Self.startRun(codebookHash: nil, at: now, in: db)
      var names = try CodingNames(db)
      let insert = try db.makeStatement(
        sql: """
          INSERT INTO codingRow
            (unitId, codeId, coderId, runId, fieldId, spanStart, spanEnd, memo)
          VALUES (?, ?, ?, ?, ?, ?, ?, ?)
          ON CONFLICT (unitId, codeId, coderId) DO NOTHING
          """)
      for coding in codings {
        try insert.execute(arguments: [
          coding.unit, try names.id(of: coding.code),
          try names.id(of: coding.coder), run,
          try coding.field.map { try names.id(of: $0) },
          coding.span?.lowerBound,
          coding.span?.upperBound, coding.memo,
        ])
      }
      return summaries
    }
  }
}

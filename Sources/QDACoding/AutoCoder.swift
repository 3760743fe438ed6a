import Foundation
import QDACodebook
import QDAStore

/// Applies a codebook's rules to every unit of a database.
///
/// ```swift
/// let summary = try AutoCoder(codebook: codebook, codebookPath: path).run(on: store)
/// ```
public struct AutoCoder: Sendable {
  /// The codebook whose rules are applied.
  public let codebook: Codebook
  /// The path it was loaded from, recorded with it.
  public let codebookPath: String
  /// The version of the program that matches rules: a new version codes
  /// again even when codebook and units are unchanged.
  public let engineVersion: String

  /// Creates an auto-coder.
  public init(
    codebook: Codebook, codebookPath: String, engineVersion: String = ""
  ) {
    self.codebook = codebook
    self.codebookPath = codebookPath
    self.engineVersion = engineVersion
  }

  /// The codings the rules give each of `units`, worked out on every core.
  public func codings(for units: [StoredUnit]) -> [[CodingDraft]] {
    onEveryCore(units) { codings(at: $0) }
  }

  /// `work` done for each of `units`, in place, on every core.
  private func onEveryCore<Element>(
    _ units: [StoredUnit],
    _ work: @Sendable (UnsafePointer<StoredUnit>) -> [Element]
  ) -> [[Element]] {
    onEveryCore(count: units.count) { indices, store in
      units.withUnsafeBufferPointer { units in
        // Units are read in place, through a pointer (see `firings(at:)`).
        guard let first = units.baseAddress else { return }
        for index in indices { store(index, work(first + index)) }
      }
    }
  }

  /// The results for indexes `0..<count`, worked out on every core in
  /// chunks: `work` is given a chunk's indexes, and stores each one's
  /// result.
  private func onEveryCore<Element>(
    count: Int,
    _ work: @Sendable (Range<Int>, _ store: (Int, [Element]) -> Void) -> Void
  ) -> [[Element]] {
    var result = [[Element]](repeating: [], count: count)
    let cores = ProcessInfo.processInfo.activeProcessorCount
    let chunks = count < 64 ? 1 : min(cores * 4, count)
    result.withUnsafeMutableBufferPointer { buffer in
      // Each chunk writes only its own slots of `buffer`.
      nonisolated(unsafe) let slots = buffer
      DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
        let lower = slots.count * chunk / chunks
        let upper = slots.count * (chunk + 1) / chunks
        work(lower..<upper) { slots[$0] = $1 }
      }
    }
    return result
  }

  /// The codings the rules give one unit.
  public func codings(for unit: StoredUnit) -> [CodingDraft] {
    withUnsafePointer(to: unit) { codings(at: $0) }
  }

  /// The codings the rules give the unit at `unit`, read in place.
  private func codings(at unit: UnsafePointer<StoredUnit>) -> [CodingDraft] {
    let codes = codebook.firingCodeIDs
    let rules = codebook.ruleIDs
    return firings(at: unit).map {
      CodingDraft(
        unit: unit.pointee.id, code: codes[$0.code], rule: rules[$0.rule],
        field: $0.field, span: $0.range)
    }
  }

  /// The codings the rules give each of `units`, by numbers (see
  /// ``CodeFiring``), worked out on every core: what the same method gives
  /// for a ``UnitBatch`` of them, which is what ``run(on:force:progress:)``
  /// writes.
  func numberedCodings(for units: [StoredUnit]) -> [[NumberedCoding]] {
    onEveryCore(units) { unit in
      firings(at: unit).map {
        NumberedCoding(
          code: $0.code, rule: $0.rule, field: $0.field, span: $0.range)
      }
    }
  }

  /// The codings the rules give each unit of `batch`, by numbers, worked out
  /// on every core: what ``run(on:force:progress:)`` writes.
  ///
  /// The units' texts are folded straight from the batch's bytes: no string
  /// of a unit is made or let go of on a coding thread.
  func numberedCodings(for batch: UnitBatch) -> [[NumberedCoding]] {
    onEveryCore(count: batch.count) { indices, store in
      // Lent once per chunk: the batch's arrays are shared by the threads.
      batch.withUnits { units in
        for index in indices {
          store(
            index,
            firings(of: index, in: units).map {
              NumberedCoding(
                code: $0.code, rule: $0.rule, field: $0.field, span: $0.range)
            })
        }
      }
    }
  }

  /// The codes whose rules fire on unit `index` of `units`.
  private func firings(of index: Int, in units: UnitBatch.Units)
    -> [CodeFiring]
  {
    let textCount = units.textCount(at: index)
    var fields: [MatchableUnit.Field] = []
    fields.reserveCapacity(textCount)
    for text in 0..<textCount {
      fields.append(
        MatchableUnit.Field(
          name: units.fieldName(text, at: index),
          index: TextIndex(utf8: units.text(text, at: index))))
    }
    var matchable = MatchableUnit(
      kind: units.kind(at: index), role: units.role(at: index),
      fields: fields, attributes: units.attributes(at: index))
    if let question = units.question(at: index) {
      matchable.context = [
        .init(name: "question", index: TextIndex(utf8: question))
      ]
    }
    return codebook.firings(on: matchable)
  }

  /// The codes whose rules fire on the unit at `unit`, read in place.
  ///
  /// Through a pointer, each field is read on its own: a unit read out of a
  /// buffer was copied whole first, retaining every string it holds and
  /// releasing them again, on a thread other than the one that made them.
  private func firings(at unit: UnsafePointer<StoredUnit>) -> [CodeFiring] {
    var matchable = MatchableUnit(
      kind: unit.pointee.kind, role: unit.pointee.role,
      texts: unit.pointee.texts, attributes: unit.pointee.attributes)
    if let question = unit.pointee.question {
      matchable.context = [.init(name: "question", index: TextIndex(question))]
    }
    return codebook.firings(on: matchable)
  }

  /// The `projectState` key of the last coding's stamp.
  static let stampKey = "autoCoding"

  /// Replaces all `auto` codings in the store, in one transaction — unless
  /// this codebook already coded exactly these units, when it does nothing.
  ///
  /// - Parameters:
  ///   - store: The database whose units are coded.
  ///   - force: Re-code even when codebook and units are unchanged.
  ///   - progress: Called after each unit with the number of units coded and
  ///     the total.
  /// - Returns: How many units each code was applied to, in codebook order.
  /// - Throws: `StoreError`; the previous codings stay then.
  public func run(
    on store: Store, force: Bool = false,
    progress: (_ done: Int, _ total: Int) -> Void = { _, _ in }
  ) throws -> AutoCodingSummary {
    let (fingerprint, total) = try store.dataFingerprintAndUnitCount()
    let stamp = "\(codebook.contentHash)|\(engineVersion)|\(fingerprint)"
    if !force, try store.projectState(Self.stampKey) == stamp,
      try store.currentCodebook()?.hash == codebook.contentHash
    {
      let counts = try store.autoCodingCounts()
      return AutoCodingSummary(
        codes: codebook.codes.map {
          ($0.qualifiedID, counts[$0.qualifiedID] ?? 0)
        },
        isUnchanged: true)
    }
    var done = 0
    _ = try store.replaceAutoCodingsInUnitBatches(
      codebook: draft, codes: codebook.firingCodeIDs, rules: codebook.ruleIDs,
      code: { [self] batch in numberedCodings(for: batch) },
      didCode: { units, _ in
        done += units.count
        progress(done, total)
      })
    // Recorded after the codings are committed: a crash in between leaves no
    // stamp, so the next run codes again.
    try store.setProjectState(Self.stampKey, stamp)
    // Read from the tally the run has just counted (a code is applied to a
    // unit once, so its units are its codings).
    var counts: [String: Int] = [:]
    for count in try store.codedCounts(coder: "auto", filter: .init()) {
      if let code = count.key { counts[code] = count.units }
    }
    return AutoCodingSummary(
      codes: codebook.codes.map {
        ($0.qualifiedID, counts[$0.qualifiedID] ?? 0)
      })
  }

  /// The codebook as the store records it.
  var draft: CodebookDraft {
    var draft = CodebookDraft(
      hash: codebook.contentHash, id: codebook.id, title: codebook.title,
      version: codebook.version, path: codebookPath,
      codes: codebook.themes.flatMap { theme in
        theme.codes.map {
          CodebookDraft.CodeEntry(
            id: $0.qualifiedID, theme: theme.id, themeName: theme.name,
            name: $0.name)
        }
      })
    draft.attributeNames = codebook.attributeNames
    return draft
  }
}

/// How many units each code was applied to by one auto-coding run.
public struct AutoCodingSummary: Sendable {
  /// (qualified code id, units) in codebook order.
  public var codes: [(code: String, units: Int)]

  /// Whether nothing was done: the same codebook had coded the same units.
  public var isUnchanged = false

  /// Creates a summary.
  public init(codes: [(code: String, units: Int)], isUnchanged: Bool = false) {
    self.codes = codes
    self.isUnchanged = isUnchanged
  }

  /// The number of codings written.
  public var total: Int { codes.reduce(0) { $0 + $1.units } }
}

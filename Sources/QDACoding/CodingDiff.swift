import QDACodebook
import QDAStore

/// What changed between two sets of codings: per code, the units that gained
/// or lost it, and the change in its frequency.
public struct CodingDiff: Sendable {
  /// A unit that gained or lost a code.
  public struct Change: Sendable, Equatable {
    /// The unit.
    public var unit: String
    /// The code.
    public var code: String
    /// Whether the unit gained (`true`) or lost the code.
    public var gained: Bool
  }

  /// A code's frequency before and after.
  public struct Frequency: Sendable, Equatable {
    /// The code.
    public var code: String
    /// Units before.
    public var old: Int
    /// Units after.
    public var new: Int
  }

  /// The codes in order (codebook order, then others).
  public var frequencies: [Frequency]
  /// Every change, by unit order then code order.
  public var changes: [Change]

  /// Compares two unit → codes maps.
  ///
  /// - Parameters:
  ///   - old: Codes per unit before.
  ///   - new: Codes per unit after.
  ///   - units: The unit order.
  ///   - codeOrder: The code order.
  public init(
    old: [String: Set<String>], new: [String: Set<String>], units: [String],
    codeOrder: [String]
  ) {
    var builder = Builder(codeOrder: codeOrder)
    let known = Set(units)
    for unit in units
      + Set(old.keys).union(new.keys).subtracting(known).sorted()
    {
      builder.add(unit: unit, old: old[unit] ?? [], new: new[unit] ?? [])
    }
    self = builder.diff()
  }

  private init(frequencies: [Frequency], changes: [Change]) {
    self.frequencies = frequencies
    self.changes = changes
  }

  /// A diff built a unit at a time, in unit order: what it holds is the
  /// counts and the changes, never every unit's codes.
  public struct Builder: Sendable {
    private let codeOrder: [String]
    private let position: [String: Int]
    private let keepsChanges: Bool
    private var count: [String: (old: Int, new: Int)] = [:]
    private var changes: [Change] = []

    /// Starts an empty diff.
    ///
    /// - Parameters:
    ///   - codeOrder: The code order (codes not in it follow, by name).
    ///   - keepsChanges: Whether the changes are listed; without them the
    ///     diff holds only its counts.
    public init(codeOrder: [String], keepsChanges: Bool = true) {
      self.codeOrder = codeOrder
      self.keepsChanges = keepsChanges
      position = Dictionary(
        codeOrder.enumerated().map { ($1, $0) },
        uniquingKeysWith: { first, _ in first })
    }

    /// Adds a unit's codes before and after; units come in the order the
    /// changes are listed in, each once.
    public mutating func add(unit: String, old: Set<String>, new: Set<String>) {
      for code in old { count[code, default: (0, 0)].old += 1 }
      for code in new { count[code, default: (0, 0)].new += 1 }
      guard keepsChanges, old != new else { return }
      let gained = new.subtracting(old).map {
        Change(unit: unit, code: $0, gained: true)
      }
      let lost = old.subtracting(new).map {
        Change(unit: unit, code: $0, gained: false)
      }
      changes += (gained + lost).sorted {
        (position[$0.code] ?? .max, $0.code) < (
          position[$1.code] ?? .max, $1.code
        )
      }
    }

    /// The diff of the units added.
    public func diff() -> CodingDiff {
      let codes =
        codeOrder.filter { count[$0] != nil }
        + count.keys.filter { position[$0] == nil }.sorted()
      return CodingDiff(
        frequencies: codes.map {
          Frequency(
            code: $0, old: count[$0]?.old ?? 0, new: count[$0]?.new ?? 0)
        },
        changes: changes)
    }
  }

  /// Compares what two codebooks' rules give every unit of a store, reading
  /// and coding a batch of units at a time on every core: memory holds a
  /// batch, the counts and the changes.
  ///
  /// - Parameters:
  ///   - old: The codebook before.
  ///   - new: The codebook after (its code order is the diff's).
  ///   - store: The units.
  ///   - keepsChanges: Whether the changes are listed (otherwise only the
  ///     frequencies are).
  ///   - batchSize: How many units are read and coded at a time.
  /// - Returns: The diff, by unit in source and file order.
  /// - Throws: `StoreError`.
  public static func autoCodes(
    old: Codebook, new: Codebook, in store: Store, keepsChanges: Bool = true,
    batchSize: Int = 2048
  ) throws -> CodingDiff {
    let before = AutoCoder(codebook: old, codebookPath: "")
    let after = AutoCoder(codebook: new, codebookPath: "")
    var builder = Builder(
      codeOrder: new.codes.map(\.qualifiedID), keepsChanges: keepsChanges)
    let attributes = Set(old.attributeNames + new.attributeNames).sorted()
    try store.forEachUnitBatch(size: batchSize, attributes: attributes) {
      units in
      let old = before.codings(for: units)
      let new = after.codings(for: units)
      for (index, unit) in units.enumerated() {
        builder.add(
          unit: unit.id, old: Set(old[index].map(\.code)),
          new: Set(new[index].map(\.code)))
      }
    }
    return builder.diff()
  }

  /// The codes per unit of a coder in a store.
  public static func codes(in store: Store, coder: String) throws -> [String:
    Set<String>]
  {
    var result: [String: Set<String>] = [:]
    for coding in try store.exportedCodings(
      coder: .coder(coder), filter: .init())
    {
      result[coding.unit, default: []].insert(coding.code)
    }
    return result
  }
}

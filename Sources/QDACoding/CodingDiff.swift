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
    var count: [String: (old: Int, new: Int)] = [:]
    for codes in old.values {
      for code in codes { count[code, default: (0, 0)].old += 1 }
    }
    for codes in new.values {
      for code in codes { count[code, default: (0, 0)].new += 1 }
    }
    let codes =
      codeOrder.filter { count[$0] != nil }
      + count.keys.filter { !codeOrder.contains($0) }.sorted()
    let position = Dictionary(
      uniqueKeysWithValues: codes.enumerated().map { ($1, $0) })
    frequencies = codes.map {
      Frequency(code: $0, old: count[$0]?.old ?? 0, new: count[$0]?.new ?? 0)
    }
    var changes: [Change] = []
    let known = Set(units)
    for unit in units
      + Set(old.keys).union(new.keys).subtracting(known).sorted()
    {
      let before = old[unit] ?? []
      let after = new[unit] ?? []
      let gained = after.subtracting(before).map {
        Change(unit: unit, code: $0, gained: true)
      }
      let lost = before.subtracting(after).map {
        Change(unit: unit, code: $0, gained: false)
      }
      changes += (gained + lost).sorted {
        (position[$0.code] ?? .max, $0.code) < (
          position[$1.code] ?? .max, $1.code
        )
      }
    }
    self.changes = changes
  }

  /// The codes per unit that a codebook's rules give the units of a store.
  public static func autoCodes(_ codebook: Codebook, units: [StoredUnit])
    -> [String: Set<String>]
  {
    let coder = AutoCoder(codebook: codebook, codebookPath: "")
    var result: [String: Set<String>] = [:]
    for unit in units {
      let codes = Set(coder.codings(for: unit).map(\.code))
      if !codes.isEmpty { result[unit.id] = codes }
    }
    return result
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

import GRDB

// Tallies: counts of units, and of `auto` codings per code, in every unit
// grouping `freq` and crosstabs offer, written by `code auto` in the
// transaction that writes the codings.
//
// Grouping a million units' 1.3 million codings by month or channel joins
// every coding to its unit: 1.2 to 1.8 s in SQLite. `code auto` already
// visits every unit with its codes, so it counts them on the way, and
// `freq` over all units reads a few hundred rows instead.
//
// A tally is true only of the data it was counted from, so every write
// transaction deletes the tallies first (see `Store.write`), except the ones
// that cannot change units or codings. An absent tally means "count from
// the codings", never "zero".

extension UnitGrouping {
  /// Whether the grouping is by an attribute's value.
  var isAttribute: Bool {
    if case .attribute = self { return true }
    return false
  }

  /// The name of the grouping in the tally table.
  var tallyName: String {
    switch self {
    case .none: return "none"
    case .month: return "month"
    case .speaker: return "speaker"
    case .role: return "role"
    case .attribute(let name): return "attribute:" + name
    }
  }
}

/// What a unit is grouped by in each tallied grouping.
struct UnitGroups {
  /// One value per grouping of ``TallyBuilder/groupings``, in that order.
  var values: [String?]
}

/// Counts units and `auto` codings per grouping, value and code, as
/// `code auto` visits the units.
struct TallyBuilder {
  /// The groupings counted: all units, month, then speaker and role (when
  /// some unit has one), then one per attribute name.
  ///
  /// A grouping left out has no value for any unit.
  let groupings: [UnitGrouping]
  /// Group values, numbered from 1 (0 is no value).
  private var values = StringNumbering()
  /// Codes, numbered from 1 (0 counts units).
  private var codes = StringNumbering()
  /// The number in ``codes`` of each code of a numbered coding's names, by
  /// its index there (0: not yet met).
  private var numberOfCode: [Int] = []
  /// Counts by packed (grouping, code id, value id).
  private var counts = PackedCounts()
  /// The value ids of the unit being added (kept for its capacity).
  private var unitValues: [Int] = []
  /// How many units were added.
  private(set) var units = 0

  /// A builder for these groupings.
  init(groupings: [UnitGrouping]) {
    self.groupings = groupings
  }

  /// The groupings a tally of this database counts.
  ///
  /// - Throws: A GRDB error.
  static func groupings(in db: Database) throws -> [UnitGrouping] {
    var groupings: [UnitGrouping] = [.none, .month]
    // Turns have speakers; other units may too (a REFI project's).
    let hasSpeakers = try Bool.fetchOne(
      db,
      sql: """
        SELECT EXISTS (SELECT 1 FROM unit WHERE kind = 'turn')
          OR EXISTS (SELECT 1 FROM unit WHERE speaker IS NOT NULL OR role IS NOT NULL)
        """)
    if hasSpeakers == true { groupings += [.speaker, .role] }
    // The names imports wrote (a name whose units are all gone is a
    // grouping whose units have no value).
    let names = try String.fetchAll(
      db, sql: "SELECT name FROM attributeName ORDER BY name")
    return groupings + names.map(UnitGrouping.attribute)
  }

  /// The SQL of each grouping's value, on `u` (unit), in order: a column
  /// to select each, `NULL` for an attribute's, which readers fill from
  /// the unit's packed attributes (``attributeSlots``).
  var valueColumns: String {
    groupings.map { grouping in
      switch grouping {
      case .none, .attribute: return ", NULL"
      case .month, .speaker, .role: return ", " + grouping.sql.expression
      }
    }.joined()
  }

  /// The attribute groupings: each one's name, and its place among
  /// ``groupings``.
  var attributeSlots: [(name: String, slot: Int)] {
    groupings.indices.compactMap { index in
      guard case .attribute(let name) = groupings[index] else { return nil }
      return (name, index)
    }
  }

  private static func key(_ grouping: Int, _ code: Int, _ value: Int) -> Int {
    grouping << 52 | code << 26 | value
  }

  /// Counts a unit, in its groups, and the code of each of its codings
  /// once, the codes numbered by their place in `names`.
  ///
  /// The codings are read by index: iterating an array copies each element,
  /// retaining (and then releasing) the strings of a coding to read one.
  ///
  /// - Parameters:
  ///   - groups: The unit's value in each grouping.
  ///   - codings: The codings `auto` made of it, one per code.
  ///   - names: The codes' names, by ``NumberedCoding/code``.
  mutating func add(
    _ groups: UnitGroups, codes codings: [NumberedCoding], named names: [String]
  ) {
    add(groups.values[...], codes: codings, named: names)
  }

  /// Counts a unit whose values in the groupings are `groups`, and the
  /// codes of its `codings`, named by `names`.
  mutating func add(
    _ groups: ArraySlice<String?>, codes codings: [NumberedCoding],
    named names: [String]
  ) {
    addUnit(groups)
    for index in codings.indices {
      let code = Int(codings[index].code)
      if numberOfCode.count <= code {
        numberOfCode += repeatElement(0, count: code + 1 - numberOfCode.count)
      }
      if numberOfCode[code] == 0 {
        numberOfCode[code] = self.codes.number(of: names[code])
      }
      addCode(numberOfCode[code])
    }
  }

  /// Counts a unit in its groups, which its codes are then counted in.
  private mutating func addUnit(_ groups: ArraySlice<String?>) {
    units += 1
    unitValues.removeAll(keepingCapacity: true)
    for (grouping, value) in groups.enumerated() {
      let id = value.map { values.number(of: $0) } ?? 0
      unitValues.append(id)
      counts.add(Self.key(grouping, 0, id))
    }
  }

  /// Counts code number `id` once in each of the last unit's groups.
  private mutating func addCode(_ id: Int) {
    for (grouping, value) in unitValues.enumerated() {
      counts.add(Self.key(grouping, id, value))
    }
  }

  /// Writes the tally (nothing when no unit was added).
  ///
  /// - Throws: A GRDB error.
  func write(to db: Database) throws {
    guard units > 0 else { return }
    let insert = try db.makeStatement(
      sql:
        "INSERT INTO tally (dimension, code, value, units) VALUES (?, ?, ?, ?)")
    try insert.execute(arguments: [
      Store.tallyStampDimension, nil, try Store.tallyStamp(db), 0,
    ])
    let names = groupings.map(\.tallyName)
    let mask = (1 << 26) - 1
    try counts.forEachKey { key, count in
      let code = key >> 26 & mask
      let value = key & mask
      try insert.execute(arguments: [
        names[key >> 52], code == 0 ? nil : codes.strings[code - 1],
        value == 0 ? nil : values.strings[value - 1], count,
      ])
    }
  }
}

extension Store {
  /// The tally row that holds ``tallyStamp(_:)`` as it was when counted.
  static let tallyStampDimension = "stamp"

  /// What a tally was counted from, read again in a few milliseconds: how
  /// many units and `auto` codings there are, and the highest unit row id.
  /// (Other coders' codings change no tally, so they are not in it.)
  ///
  /// qda's own writes drop the tallies; this catches writes made outside
  /// it (the `sqlite3` shell, or a qda too old to know tallies) that add or
  /// remove units or codings, and the tally is then not used.
  ///
  /// - Throws: A GRDB error.
  static func tallyStamp(_ db: Database) throws -> String {
    let row = try Row.fetchOne(
      db,
      sql: """
        SELECT (SELECT COUNT(*) FROM unit), (SELECT MAX(rowid) FROM unit),
               (SELECT COUNT(*) FROM codingRow
                WHERE coderId = (SELECT id FROM codingName WHERE name = 'auto'))
        """)
    let values = (0..<3).map { (row?[$0] as Int64?).map(String.init) ?? "-" }
    return values.joined(separator: ",")
  }

  /// A tally stamp that matched, and when: `PRAGMA data_version` (which
  /// changes when another connection commits) and this connection's count
  /// of changed rows.
  struct TallyCheck: Equatable {
    var stamp: String
    var dataVersion: Int64
    var changes: Int
  }

  /// Deletes the tallies: every write that may change units or codings
  /// does so first.
  static func dropTallies(_ db: Database) throws {
    try db.execute(sql: "DELETE FROM tally")
  }

  /// Units per group from the tally, in group order; `nil` when there is no
  /// tally.
  func talliedUnitCounts(_ db: Database, grouping: UnitGrouping) throws
    -> [GroupCount]?
  {
    try tallied(db, grouping: grouping, codes: false)
  }

  /// `auto` codings per code and group from the tally, ordered by code and
  /// group; `nil` when there is no tally.
  func talliedCodedCounts(_ db: Database, grouping: UnitGrouping) throws
    -> [GroupCount]?
  {
    try tallied(db, grouping: grouping, codes: true)
  }

  private func tallied(_ db: Database, grouping: UnitGrouping, codes: Bool)
    throws -> [GroupCount]?
  {
    guard
      let stamp = try String.fetchOne(
        db, sql: "SELECT value FROM tally WHERE dimension = ?",
        arguments: [Self.tallyStampDimension])
    else { return nil }
    // The stamp (counts over a million rows: 0.06 s) is checked again only
    // when this connection or another has written since it last matched.
    let version = try Int64.fetchOne(db, sql: "PRAGMA data_version") ?? -1
    let check = TallyCheck(
      stamp: stamp, dataVersion: version, changes: db.totalChangesCount)
    if check != lastTallyCheck {
      guard try stamp == Self.tallyStamp(db) else { return nil }
      lastTallyCheck = check
    }
    // A grouping not tallied has no value for any unit: its one group is
    // "missing", counted as all units are.
    let isTallied =
      try Bool.fetchOne(
        db, sql: "SELECT EXISTS (SELECT 1 FROM tally WHERE dimension = ?)",
        arguments: [grouping.tallyName]) == true
    let name = isTallied ? grouping.tallyName : UnitGrouping.none.tallyName
    return try Row.fetchAll(
      db,
      sql: """
        SELECT code, value, units FROM tally
        WHERE dimension = ? AND code IS \(codes ? "NOT NULL" : "NULL")
        ORDER BY code, value
        """,
      arguments: [name]
    ).map { GroupCount(key: $0[0], group: $0[1], units: $0[2]) }
  }
}

/// Counts by non-negative integer key, in a table of open addressing.
///
/// The tally adds to a few counts per unit; a `Dictionary` hashed each key
/// with SipHash, and that took more than the counting (callgrind: the
/// tally's integer look-ups 19 of its 79 million instructions on 20,000
/// cases). Keys are spread by a multiplication, and visited in the order of
/// their slots, which depends only on the keys.
struct PackedCounts {
  /// For each slot, its key, or -1 when empty.
  private var keys = [Int](repeating: -1, count: 64)
  private var counts = [Int](repeating: 0, count: 64)
  /// How many keys the table holds.
  private(set) var count = 0

  /// Adds `count` (one unless given) to the count of `key`, which must not
  /// be negative.
  @inline(__always)
  mutating func add(_ key: Int, count added: Int = 1) {
    let mask = keys.count - 1
    var slot = Self.slot(of: key, mask)
    while keys[slot] >= 0 {
      if keys[slot] == key {
        counts[slot] += added
        return
      }
      slot = (slot + 1) & mask
    }
    keys[slot] = key
    counts[slot] = added
    count += 1
    if count * 2 > keys.count { grow() }
  }

  /// Calls `body` with each key and its count.
  func forEachKey(_ body: (_ key: Int, _ count: Int) throws -> Void) rethrows {
    for slot in keys.indices where keys[slot] >= 0 {
      try body(keys[slot], counts[slot])
    }
  }

  @inline(__always)
  private static func slot(of key: Int, _ mask: Int) -> Int {
    Int(
      truncatingIfNeeded: (UInt64(bitPattern: Int64(key))
        &* 0x9E37_79B9_7F4A_7C15) >> 32)
      & mask
  }

  /// Doubles the table.
  private mutating func grow() {
    let oldKeys = keys
    let oldCounts = counts
    keys = [Int](repeating: -1, count: oldKeys.count * 2)
    counts = [Int](repeating: 0, count: oldKeys.count * 2)
    let mask = keys.count - 1
    for (key, count) in zip(oldKeys, oldCounts) where key >= 0 {
      var slot = Self.slot(of: key, mask)
      while keys[slot] >= 0 { slot = (slot + 1) & mask }
      keys[slot] = key
      counts[slot] = count
    }
  }
}

/// Strings numbered from 1 in the order first met, looked up by their UTF-8
/// bytes in a table of open addressing.
///
/// The tally numbers a month, an attribute value or two and the codes of
/// every unit: a `Dictionary` hashed each with SipHash, a third of the
/// tally's work; FNV-1a over a dozen bytes is a fraction of that.
struct StringNumbering {
  /// For each slot, a number, or 0 when empty.
  private var slots = [Int32](repeating: 0, count: 64)
  /// The hash of each string, by number minus one.
  private var hashes: [UInt64] = []
  /// The strings, by number minus one.
  private(set) var strings: [String] = []
  /// The strings met lately, each with its number (0 when the entry is
  /// empty), found by their own sixteen bytes (see ``number(of:)``).
  private var recent = [(bits: Bits, string: String, number: Int32)](
    repeating: ((0, 0), "", 0), count: 64)

  /// A string's own bytes: its length and flags, and its characters or
  /// where they are stored.
  private typealias Bits = (UInt64, UInt64)

  /// The number of `string`, given it now if it has none.
  ///
  /// The strings numbered are mostly the same few again and again: a
  /// codebook's codes and rules, a text's field, a month. Each is looked up
  /// first by its own sixteen bytes, which for a string of up to fifteen
  /// UTF-8 bytes are its characters, and for a longer one point to where
  /// they are stored. Two strings with the same bytes are equal, as long as
  /// the string whose bytes were kept lives (its storage cannot be freed and
  /// reused): the entry keeps it. Writing 20,000 cases' codings and their
  /// tally took 4 % fewer instructions (callgrind) than hashing every code,
  /// rule, field and value.
  mutating func number(of string: String) -> Int {
    let bits = unsafeBitCast(string, to: Bits.self)
    let entry = Int(
      truncatingIfNeeded: ((bits.0 ^ bits.1) &* 0x9E37_79B9_7F4A_7C15) >> 58)
    if recent[entry].number != 0, recent[entry].bits == bits {
      return Int(recent[entry].number)
    }
    let number = numberByHash(of: string)
    recent[entry] = (bits, string, Int32(number))
    return number
  }

  /// The number of `string`, looked up by the hash of its UTF-8 bytes.
  private mutating func numberByHash(of string: String) -> Int {
    let hash = Self.hash(string)
    let mask = slots.count - 1
    var slot = Int(truncatingIfNeeded: hash) & mask
    while slots[slot] != 0 {
      let number = Int(slots[slot])
      if hashes[number - 1] == hash, strings[number - 1] == string {
        return number
      }
      slot = (slot + 1) & mask
    }
    strings.append(string)
    hashes.append(hash)
    slots[slot] = Int32(strings.count)
    if strings.count * 2 > slots.count { grow() }
    return strings.count
  }

  /// FNV-1a over the string's UTF-8 bytes, mixed so its low bits pick a slot.
  private static func hash(_ string: String) -> UInt64 {
    func fnv(_ bytes: some Sequence<UInt8>) -> UInt64 {
      var hash: UInt64 = 0xCBF2_9CE4_8422_2325
      for byte in bytes { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01B3 }
      return hash ^ (hash >> 29)
    }
    // In place for native and small strings; a bridged one byte by byte.
    return string.utf8.withContiguousStorageIfAvailable(fnv) ?? fnv(string.utf8)
  }

  /// Doubles the table.
  private mutating func grow() {
    slots = [Int32](repeating: 0, count: slots.count * 2)
    let mask = slots.count - 1
    for (index, hash) in hashes.enumerated() {
      var slot = Int(truncatingIfNeeded: hash) & mask
      while slots[slot] != 0 { slot = (slot + 1) & mask }
      slots[slot] = Int32(index + 1)
    }
  }
}

import GRDB
import GRDBSQLite

/// A unit's attributes, packed into one text of its row (`unit.attributes`),
/// so that a scan of the units reads them with no join and no seek.
///
/// They were rows of their own, keyed by unit id (until migration v15).
/// A scan of the units in file order met them in the same order only
/// while ids ascended as text: a chat's do not (`…:10` sorts before
/// `…:9`), nor do those of a file sorted by date. In the `sqlite3` shell,
/// a million messages read with two attributes by joins took 0.83 s, with
/// the packed text 0.18 s. Grouped queries read a value by
/// `qda_attribute(u.attributes, name)` (``addFunction(_:)``); the names in
/// use are kept in `attributeName`; `unitAttribute` is a view for queries
/// by hand.
///
/// Each attribute is its name, then its value, each after its length in
/// UTF-8 bytes and a colon, in the unit's order of attributes:
/// `7:channel8:telegram4:hour2:05`. A unit without attributes has `NULL`.
/// A name comes once: a later attribute of a name already packed is left
/// out.
/// Lengths make any name or value safe to pack, separators included.
enum PackedAttributes {
  /// The packed form of `attributes`; `nil` when there are none.
  static func pack(_ attributes: [(name: String, value: String)]) -> String? {
    guard !attributes.isEmpty else { return nil }
    var bytes: [UInt8] = []
    append(attributes, to: &bytes)
    return String(decoding: bytes, as: UTF8.self)
  }

  /// Appends the packed form of `attributes` to `bytes`.
  ///
  /// Byte by byte, from the strings' storage: made by appending strings,
  /// a million cases' packed texts took 2,000 instructions each.
  static func append(
    _ attributes: [(name: String, value: String)], to bytes: inout [UInt8]
  ) {
    attributes.withUnsafeBufferPointer { attributes in
      for index in attributes.indices
      where !attributes[..<index].contains(where: {
        $0.name == attributes[index].name
      }) {
        appendPart(attributes[index].name, to: &bytes)
        appendPart(attributes[index].value, to: &bytes)
      }
    }
  }

  /// Appends one name or value with its length and colon before it.
  private static func appendPart(_ part: String, to bytes: inout [UInt8]) {
    var part = part
    part.withUTF8 { part in
      let length = part.count
      let zero = UInt8(ascii: "0")
      if length < 100 {
        if length >= 10 { bytes.append(zero + UInt8(length / 10)) }
        bytes.append(zero + UInt8(length % 10))
      } else {
        bytes.append(contentsOf: String(length).utf8)
      }
      bytes.append(UInt8(ascii: ":"))
      bytes.append(contentsOf: part)
    }
  }

  /// Calls `body` with the name and value of each attribute in `packed`,
  /// as UTF-8 bytes within it.
  ///
  /// - Returns: Whether `packed` is well formed; `body` may have been
  ///   called for the attributes before the fault.
  static func forEach(
    in packed: UnsafeBufferPointer<UInt8>,
    _ body: (
      _ name: UnsafeBufferPointer<UInt8>, _ value: UnsafeBufferPointer<UInt8>
    )
      -> Void
  ) -> Bool {
    var offset = 0
    /// The part that starts at `offset`, after its length; `nil` when the
    /// length is not digits and a colon, or runs past the end.
    func part() -> UnsafeBufferPointer<UInt8>? {
      var length = 0
      var digits = 0
      while offset < packed.count, packed[offset] != UInt8(ascii: ":") {
        let digit = Int(packed[offset]) - Int(UInt8(ascii: "0"))
        guard digit >= 0, digit <= 9, digits < 9 else { return nil }
        length = length * 10 + digit
        digits += 1
        offset += 1
      }
      guard digits > 0, offset < packed.count,
        length <= packed.count - offset - 1
      else { return nil }
      let start = offset + 1
      offset = start + length
      return UnsafeBufferPointer(rebasing: packed[start..<offset])
    }
    while offset < packed.count {
      guard let name = part(), let value = part() else { return false }
      body(name, value)
    }
    return true
  }
}

extension PackedAttributes {
  /// The attributes packed in `packed`, in their order; none for `nil`,
  /// and `nil` when `packed` is malformed.
  static func unpack(_ packed: String?) -> [(name: String, value: String)]? {
    guard var packed else { return [] }
    var attributes: [(name: String, value: String)] = []
    let isWellFormed = packed.withUTF8 { bytes in
      forEach(in: bytes) { name, value in
        attributes.append(
          (
            String(decoding: name, as: UTF8.self),
            String(decoding: value, as: UTF8.self)
          ))
      }
    }
    return isWellFormed ? attributes : nil
  }

  /// Registers `qda_attribute(packed, name)` on `db`: the value of the
  /// attribute `name` in the packed text `packed`, `NULL` when it has no
  /// such attribute (or is `NULL`, or malformed).
  static func addFunction(_ db: Database) {
    sqlite3_create_function_v2(
      db.sqliteConnection, "qda_attribute", 2,
      SQLITE_UTF8 | SQLITE_DETERMINISTIC,
      nil, attributeValue, nil, nil, nil)
  }

  /// The SQL that gives the value of the attribute `name` of the unit `u`.
  static func valueSQL(_ name: String) -> String {
    "qda_attribute(u.attributes, '\(name.replacingOccurrences(of: "'", with: "''"))')"
  }
}

/// `qda_attribute`'s implementation (see ``PackedAttributes/addFunction(_:)``).
private func attributeValue(
  _ context: OpaquePointer?, _ count: Int32,
  _ arguments: UnsafeMutablePointer<OpaquePointer?>?
) {
  guard let arguments, let packed = sqlite3_value_text(arguments[0]),
    let wanted = sqlite3_value_text(arguments[1])
  else {
    sqlite3_result_null(context)
    return
  }
  let packedBytes = UnsafeBufferPointer(
    start: packed, count: Int(sqlite3_value_bytes(arguments[0])))
  let wantedBytes = UnsafeBufferPointer(
    start: wanted, count: Int(sqlite3_value_bytes(arguments[1])))
  var found: UnsafeBufferPointer<UInt8>?
  _ = PackedAttributes.forEach(in: packedBytes) { name, value in
    if found == nil, name.elementsEqual(wantedBytes) { found = value }
  }
  guard let found else {
    sqlite3_result_null(context)
    return
  }
  // Transient: SQLite copies the bytes, which live in the argument. An
  // empty value has no bytes to point to: an empty text of a constant.
  let empty: StaticString = ""
  sqlite3_result_text(
    context,
    UnsafeRawPointer(found.baseAddress ?? UnsafePointer(empty.utf8Start))
      .assumingMemoryBound(to: CChar.self),
    Int32(found.count), unsafeBitCast(-1, to: sqlite3_destructor_type.self))
}

/// Reads the values of chosen attributes out of units' packed attributes
/// (``PackedAttributes``) into slots.
struct AttributeUnpacker {
  /// The names read, as UTF-8 bytes, and the slot of each one's value.
  private let names: [(name: [UInt8], slot: Int)]

  /// An unpacker of the attributes named in `names`, each into the slot
  /// given with it.
  init(_ names: [(name: String, slot: Int)]) {
    self.names = names.map { (Array($0.name.utf8), $0.slot) }
  }

  /// Whether no attribute is read.
  var isEmpty: Bool { names.isEmpty }

  /// Sets the slot of each named attribute in `packed` to its value, and
  /// leaves the other slots as they are.
  ///
  /// - Returns: Whether `packed` is well formed.
  func unpack(
    _ packed: UnsafeBufferPointer<UInt8>, into values: inout [String?]
  )
    -> Bool
  {
    guard !names.isEmpty else { return true }
    let names = names
    return PackedAttributes.forEach(in: packed) { name, value in
      for index in names.indices
      where names[index].name.withUnsafeBufferPointer({
        $0.elementsEqual(name)
      }) {
        values[names[index].slot] = String(decoding: value, as: UTF8.self)
      }
    }
  }
}

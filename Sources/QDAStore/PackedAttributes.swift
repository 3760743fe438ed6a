/// A unit's attributes packed into one text of its row (`unit.attributes`),
/// so that a scan of the units reads them with no join and no seek.
///
/// `unitAttribute` keeps them too, one row each, for queries by name and
/// value. Its key is the unit's id: a scan of the units in file order met
/// their attribute rows in that order only while ids ascended as text, and
/// sought them from the table's root otherwise (a chat's ids, `…:9` before
/// `…:10`, and any file sorted by something other than its ids). In the
/// `sqlite3` shell, a million messages read with two attributes by joins
/// took 0.83 s, with the packed text 0.18 s.
///
/// Each attribute is its name, then its value, each after its length in
/// UTF-8 bytes and a colon, in the unit's order of attributes:
/// `7:channel8:telegram4:hour2:05`. A unit without attributes has `NULL`.
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
      for index in attributes.indices {
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

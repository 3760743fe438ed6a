import Crypto

extension Sequence where Element == UInt8 {
  /// The bytes as lowercase hexadecimal.
  ///
  /// `String(format:)` costs microseconds a call on Linux; hashing every row
  /// of a 100,000-case import made it the importer's largest cost.
  var hexString: String {
    if let hex = withContiguousStorageIfAvailable({ hexadecimal($0) }) {
      return hex
    }
    return Array(self).withUnsafeBufferPointer { hexadecimal($0) }
  }
}

extension Digest {
  /// The digest as lowercase hexadecimal, read in place (iterating a
  /// digest copies it into an array first).
  var hexString: String {
    withUnsafeBytes { hexadecimal($0.assumingMemoryBound(to: UInt8.self)) }
  }

  /// The first 15 hexadecimal digits of the digest: a unit's content hash
  /// as the database keeps it (see `UnitDraft.contentHash`).
  ///
  /// A unit's hash is only ever compared with the hash of the same unit's
  /// previous version, to tell whether it changed, so 60 bits leave a
  /// chance of 2⁻⁶⁰ that a change goes unseen; and 15 digits fit in a
  /// string without storage of its own. The 64-digit hashes took 62 of a
  /// million cases' 106 MB of unit rows.
  public var unitHash: String {
    withUnsafeBytes {
      hexadecimal($0.assumingMemoryBound(to: UInt8.self), digits: 15)
    }
  }
}

/// The first `count` (all by default) hexadecimal digits of `bytes`,
/// lowercase, written straight into the string.
private func hexadecimal(
  _ bytes: UnsafeBufferPointer<UInt8>, digits count: Int? = nil
) -> String {
  let count = min(count ?? bytes.count * 2, bytes.count * 2)
  return String(unsafeUninitializedCapacity: count) { digits in
    for index in 0..<count {
      let byte = bytes[index / 2]
      digits[index] = hexDigit(index % 2 == 0 ? byte >> 4 : byte & 0x0F)
    }
    return count
  }
}

@inline(__always)
private func hexDigit(_ value: UInt8) -> UInt8 {
  value < 10 ? UInt8(ascii: "0") + value : UInt8(ascii: "a") + value - 10
}

extension SHA256 {
  /// The ``Digest/unitHash`` of `fields`, each prefixed with its length in
  /// UTF-8 bytes, so that no two lists of fields hash alike by where one
  /// ends and the next begins.
  public static func unitHash(of fields: [String]) -> String {
    var hasher = SHA256()
    for field in fields {
      let bytes = Array(field.utf8)
      hasher.update(
        data: withUnsafeBytes(of: UInt64(bytes.count).littleEndian, Array.init))
      hasher.update(data: bytes)
    }
    return hasher.finalize().unitHash
  }
}

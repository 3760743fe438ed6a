import Crypto

extension Sequence where Element == UInt8 {
  /// The bytes as lowercase hexadecimal.
  ///
  /// `String(format:)` costs microseconds a call on Linux; hashing every row
  /// of a 100,000-case import made it the importer's largest cost.
  var hexString: String {
    if let hex = withContiguousStorageIfAvailable(hexadecimal) { return hex }
    return Array(self).withUnsafeBufferPointer(hexadecimal)
  }
}

extension Digest {
  /// The digest as lowercase hexadecimal, read in place (iterating a
  /// digest copies it into an array first).
  var hexString: String {
    withUnsafeBytes { hexadecimal($0.assumingMemoryBound(to: UInt8.self)) }
  }
}

/// `bytes` as lowercase hexadecimal, written straight into the string.
private func hexadecimal(_ bytes: UnsafeBufferPointer<UInt8>) -> String {
  String(unsafeUninitializedCapacity: bytes.count * 2) { digits in
    for (index, byte) in bytes.enumerated() {
      digits[2 * index] = hexDigit(byte >> 4)
      digits[2 * index + 1] = hexDigit(byte & 0x0F)
    }
    return bytes.count * 2
  }
}

@inline(__always)
private func hexDigit(_ value: UInt8) -> UInt8 {
  value < 10 ? UInt8(ascii: "0") + value : UInt8(ascii: "a") + value - 10
}

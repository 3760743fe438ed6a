import Crypto

extension Sequence where Element == UInt8 {
  /// The bytes as lowercase hexadecimal.
  ///
  /// `String(format:)` costs microseconds a call on Linux; hashing every row
  /// of a 100,000-case import made it the importer's largest cost.
  var hexString: String {
    let digits = Array("0123456789abcdef".utf8)
    var result: [UInt8] = []
    result.reserveCapacity(underestimatedCount * 2)
    for byte in self {
      result.append(digits[Int(byte >> 4)])
      result.append(digits[Int(byte & 0x0F)])
    }
    return String(decoding: result, as: UTF8.self)
  }
}

import Crypto

/// Builds XML text with escaping and two-space indentation.
struct XMLText {
  private(set) var text = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
  private var depth = 0

  /// A document, from its XML declaration.
  init() {}

  /// A part of a document, at `depth` elements deep, without the
  /// declaration: what a large document is written in, part by part.
  init(fragmentAt depth: Int) {
    text = ""
    self.depth = depth
  }

  /// The text written since the last call, which is then forgotten.
  mutating func take() -> String {
    defer { text = "" }
    return text
  }

  /// Escapes text for an attribute value or element content.
  static func escape(_ value: String) -> String {
    // Most values (names, GUIDs, numbers) need nothing: handed back as
    // they are. Every character escaped below is ASCII, and no byte of a
    // longer UTF-8 sequence is.
    let needsWork = value.utf8.contains { byte in
      switch byte {
      case 0..<0x20, UInt8(ascii: "&"), UInt8(ascii: "<"), UInt8(ascii: ">"),
        UInt8(ascii: "\""), UInt8(ascii: "'"):
        return true
      default: return false
      }
    }
    guard needsWork else { return value }
    var result = ""
    result.reserveCapacity(value.utf8.count)
    for scalar in value.unicodeScalars {
      switch scalar {
      case "&": result += "&amp;"
      case "<": result += "&lt;"
      case ">": result += "&gt;"
      case "\"": result += "&quot;"
      case "'": result += "&apos;"
      case "\n": result += "&#10;"
      case "\r": result += "&#13;"
      case "\t": result += "&#9;"
      case _ where scalar.value < 0x20: continue  // not allowed in XML 1.0
      default: result.unicodeScalars.append(scalar)
      }
    }
    return result
  }

  private static func attributes(_ pairs: [(String, String?)]) -> String {
    pairs.compactMap { name, value in value.map { " \(name)=\"\(escape($0))\"" }
    }.joined()
  }

  private var pad: String { String(repeating: "  ", count: depth) }

  mutating func open(_ name: String, _ attributes: [(String, String?)] = []) {
    text += pad + "<\(name)\(Self.attributes(attributes))>\n"
    depth += 1
  }

  mutating func close(_ name: String) {
    depth -= 1
    text += pad + "</\(name)>\n"
  }

  mutating func empty(_ name: String, _ attributes: [(String, String?)] = []) {
    text += pad + "<\(name)\(Self.attributes(attributes))/>\n"
  }

  mutating func element(
    _ name: String, _ content: String, _ attributes: [(String, String?)] = []
  ) {
    text +=
      pad
      + "<\(name)\(Self.attributes(attributes))>\(Self.escape(content))</\(name)>\n"
  }
}

/// GUIDs derived from names, so the same project exports the same file twice.
enum StableGUID {
  /// A version-5-style GUID (8-4-4-4-12 hex) from SHA-256 of `name`.
  static func make(_ name: String) -> String {
    var bytes = Array(SHA256.hash(data: Array(("qda:" + name).utf8)).prefix(16))
    bytes[6] = (bytes[6] & 0x0F) | 0x50
    bytes[8] = (bytes[8] & 0x3F) | 0x80
    // Written digit by digit: formatting each byte as a `String` was most
    // of the time of exporting a million units.
    let digits = Array("0123456789abcdef".utf8)
    return String(unsafeUninitializedCapacity: 36) { output in
      var count = 0
      for (index, byte) in bytes.enumerated() {
        if index == 4 || index == 6 || index == 8 || index == 10 {
          output[count] = UInt8(ascii: "-")
          count += 1
        }
        output[count] = digits[Int(byte >> 4)]
        output[count + 1] = digits[Int(byte & 0x0F)]
        count += 2
      }
      return count
    }
  }
}

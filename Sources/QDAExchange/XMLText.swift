import Crypto

/// Builds XML text with escaping and two-space indentation.
struct XMLText {
  private(set) var text = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
  private var depth = 0

  /// Escapes text for an attribute value or element content.
  static func escape(_ value: String) -> String {
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
    let hex = bytes.map { byte -> String in
      let digits = String(byte, radix: 16)
      return digits.count == 1 ? "0" + digits : digits
    }.joined()
    let characters = Array(hex)
    func part(_ range: Range<Int>) -> String { String(characters[range]) }
    return [
      part(0..<8), part(8..<12), part(12..<16), part(16..<20), part(20..<32),
    ].joined(separator: "-")
  }
}

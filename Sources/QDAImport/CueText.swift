/// The text of a WebVTT cue, parsed into a tree by the W3C cue text rules.
///
/// qda keeps the plain text (every text node, tags removed) and the voice
/// (the annotation of the first `<v>` span, the speaker's name).
public struct CueText: Sendable, Equatable {
  /// A node of the cue text tree.
  public indirect enum Node: Sendable, Equatable {
    /// Text.
    case text(String)
    /// An element: `span` (for `c`, `v` and `lang`), `i`, `b`, `u`, `ruby`, `rt`.
    case element(Element)
    /// A timestamp tag (`<00:17.500>`).
    case timestamp(String)
  }

  /// An element of the tree.
  public struct Element: Sendable, Equatable {
    /// The WebVTT tag name (`c`, `v`, `lang`, `i`, `b`, `u`, `ruby`, `rt`).
    public var tag: String
    /// The classes, non-empty ones only.
    public var classes: [String]
    /// The annotation: the voice name of `v`, the language of `lang`.
    public var annotation: String?
    /// The children.
    public var children: [Node]
  }

  /// The top-level nodes.
  public var nodes: [Node]

  /// How deep tags may nest; deeper tags are ignored and their text kept.
  ///
  /// Real cues nest a few levels. Without a bound, a hostile file of
  /// thousands of nested tags would build a tree that the recursive walks
  /// below (and its own release) could not get through.
  public static let maximumDepth = 64

  /// Parses cue text.
  public init(_ text: String) {
    var root: [Node] = []
    // The path of open elements, innermost last; children are collected in `stack`.
    var open: [Element] = []
    // Tags ignored for being too deep, innermost last, so that their end
    // tags are ignored too.
    var ignored: [String] = []
    func append(_ node: Node) {
      if open.isEmpty {
        root.append(node)
      } else {
        open[open.count - 1].children.append(node)
      }
    }
    func close() {
      let element = open.removeLast()
      append(.element(element))
    }
    var tokenizer = CueTextTokenizer(text)
    while let token = tokenizer.next() {
      switch token {
      case .string(let string):
        append(.text(string))
      case .startTag(let name, let classes, let annotation):
        let allowed = ["c", "i", "b", "u", "ruby", "rt", "v", "lang"]
        guard allowed.contains(name) else { continue }
        if name == "rt", open.last?.tag != "ruby" { continue }
        if open.count >= Self.maximumDepth {
          ignored.append(name)
          continue
        }
        open.append(
          Element(
            tag: name, classes: classes.filter { !$0.isEmpty },
            annotation: name == "v" || name == "lang" ? annotation : nil,
            children: []))
      case .endTag(let name):
        if ignored.last == name {
          ignored.removeLast()
        } else if let current = open.last, current.tag == name {
          close()
        } else if name == "ruby", open.last?.tag == "rt", open.count >= 2 {
          close()
          close()
        }
      case .timestamp(let value):
        append(.timestamp(value))
      }
    }
    while !open.isEmpty { close() }
    nodes = root
  }

  /// The text without tags.
  public var plainText: String {
    func collect(_ nodes: [Node]) -> String {
      nodes.map { node in
        switch node {
        case .text(let text): return text
        case .element(let element): return collect(element.children)
        case .timestamp: return ""
        }
      }.joined()
    }
    return collect(nodes)
  }

  /// The voice: the annotation of the first `<v>` element, if any.
  public var voice: String? {
    func find(_ nodes: [Node]) -> String? {
      for node in nodes {
        if case .element(let element) = node {
          if element.tag == "v" { return element.annotation ?? "" }
          if let voice = find(element.children) { return voice }
        }
      }
      return nil
    }
    return find(nodes)
  }

  /// The tree in the format of the web-platform-tests cue text tests.
  public var testTree: String {
    var lines: [String] = []
    func render(_ nodes: [Node], depth: Int) {
      let pad = "| " + String(repeating: "  ", count: depth)
      for node in nodes {
        switch node {
        case .text(let text):
          lines.append(pad + "\"" + text + "\"")
        case .timestamp(let value):
          lines.append(pad + "<?timestamp " + value + ">")
        case .element(let element):
          let name =
            ["c", "v", "lang"].contains(element.tag) ? "span" : element.tag
          lines.append(pad + "<" + name + ">")
          let attributePad = "| " + String(repeating: "  ", count: depth + 1)
          if !element.classes.isEmpty {
            lines.append(
              attributePad + "class=\"" + element.classes.joined(separator: " ")
                + "\"")
          }
          if element.tag == "lang" {
            lines.append(
              attributePad + "lang=\"" + (element.annotation ?? "") + "\"")
          }
          if element.tag == "v" {
            lines.append(
              attributePad + "title=\"" + (element.annotation ?? "") + "\"")
          }
          render(element.children, depth: depth + 1)
        }
      }
    }
    render(nodes, depth: 0)
    return lines.map { $0 + "\n" }.joined()
  }
}

/// A token of cue text.
enum CueTextToken: Equatable {
  case string(String)
  case startTag(name: String, classes: [String], annotation: String)
  case endTag(String)
  case timestamp(String)
}

/// The W3C WebVTT cue text tokenizer.
struct CueTextTokenizer {
  private let scalars: [Unicode.Scalar]
  private var position = 0

  init(_ text: String) { scalars = Array(text.unicodeScalars) }

  private enum State {
    case data, tag, startTag, startTagClass, startTagAnnotation, endTag,
      timestampTag
  }

  private static func isWhitespace(_ scalar: Unicode.Scalar) -> Bool {
    scalar == " " || scalar == "\t" || scalar == "\u{0C}"
  }

  /// Returns the next token, or `nil` at the end.
  mutating func next() -> CueTextToken? {
    guard position < scalars.count else { return nil }
    var state = State.data
    var result = String.UnicodeScalarView()
    var buffer = String.UnicodeScalarView()
    var classes: [String] = []
    func annotation() -> String {
      String(buffer).split(whereSeparator: {
        $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\u{0C}" || $0 == "\r"
      })
      .joined(separator: " ")
    }
    while true {
      let scalar: Unicode.Scalar? =
        position < scalars.count ? scalars[position] : nil
      switch state {
      case .data:
        guard let scalar else { return .string(String(result)) }
        if scalar == "&" {
          position += 1
          result.append(contentsOf: consumeCharacterReference().unicodeScalars)
          continue
        }
        if scalar == "<" {
          if result.isEmpty {
            state = .tag
          } else {
            return .string(String(result))
          }
        } else {
          result.append(scalar)
        }
      case .tag:
        guard let scalar else {
          return .startTag(name: "", classes: [], annotation: "")
        }
        if Self.isWhitespace(scalar) || scalar == "\n" {
          state = .startTagAnnotation
        } else if scalar == "." {
          state = .startTagClass
        } else if scalar == "/" {
          state = .endTag
        } else if ("0"..."9").contains(scalar) {
          result.append(scalar)
          state = .timestampTag
        } else if scalar == ">" {
          position += 1
          return .startTag(name: "", classes: [], annotation: "")
        } else {
          result.append(scalar)
          state = .startTag
        }
      case .startTag:
        guard let scalar else {
          return .startTag(name: String(result), classes: [], annotation: "")
        }
        if Self.isWhitespace(scalar) {
          state = .startTagAnnotation
        } else if scalar == "\n" {
          buffer.append(scalar)
          state = .startTagAnnotation
        } else if scalar == "." {
          state = .startTagClass
        } else if scalar == ">" {
          position += 1
          return .startTag(name: String(result), classes: [], annotation: "")
        } else {
          result.append(scalar)
        }
      case .startTagClass:
        guard let scalar else {
          classes.append(String(buffer))
          return .startTag(
            name: String(result), classes: classes, annotation: "")
        }
        if Self.isWhitespace(scalar) {
          classes.append(String(buffer))
          buffer = String.UnicodeScalarView()
          state = .startTagAnnotation
        } else if scalar == "\n" {
          classes.append(String(buffer))
          buffer = String.UnicodeScalarView([scalar])
          state = .startTagAnnotation
        } else if scalar == "." {
          classes.append(String(buffer))
          buffer = String.UnicodeScalarView()
        } else if scalar == ">" {
          position += 1
          classes.append(String(buffer))
          return .startTag(
            name: String(result), classes: classes, annotation: "")
        } else {
          buffer.append(scalar)
        }
      case .startTagAnnotation:
        guard let scalar else {
          return .startTag(
            name: String(result), classes: classes, annotation: annotation())
        }
        if scalar == "&" {
          position += 1
          buffer.append(contentsOf: consumeCharacterReference().unicodeScalars)
          continue
        }
        if scalar == ">" {
          position += 1
          return .startTag(
            name: String(result), classes: classes, annotation: annotation())
        }
        buffer.append(scalar)
      case .endTag:
        guard let scalar else { return .endTag(String(result)) }
        if scalar == ">" {
          position += 1
          return .endTag(String(result))
        }
        result.append(scalar)
      case .timestampTag:
        guard let scalar else { return .timestamp(String(result)) }
        if scalar == ">" {
          position += 1
          return .timestamp(String(result))
        }
        result.append(scalar)
      }
      position += 1
    }
  }

  /// The character references WebVTT texts use; `&` is kept when none matches.
  private static let namedReferences: [String: String] = [
    "amp;": "&", "lt;": "<", "gt;": ">", "quot;": "\"", "apos;": "'",
    "nbsp;": "\u{A0}",
    "lrm;": "\u{200E}", "rlm;": "\u{200F}",
  ]

  /// Consumes a character reference after `&` and returns what it stands for.
  private mutating func consumeCharacterReference() -> String {
    if position < scalars.count, scalars[position] == "#" {
      var index = position + 1
      var isHex = false
      if index < scalars.count, scalars[index] == "x" || scalars[index] == "X" {
        isHex = true
        index += 1
      }
      var digits = ""
      while index < scalars.count,
        isHex
          ? scalars[index].properties.isASCIIHexDigit
          : ("0"..."9").contains(scalars[index])
      {
        digits.unicodeScalars.append(scalars[index])
        index += 1
      }
      if !digits.isEmpty, let value = UInt32(digits, radix: isHex ? 16 : 10),
        let scalar = Unicode.Scalar(value), value != 0
      {
        if index < scalars.count, scalars[index] == ";" { index += 1 }
        position = index
        return String(scalar)
      }
      return "&"
    }
    for (name, value) in Self.namedReferences {
      let candidate = Array(name.unicodeScalars)
      if position + candidate.count <= scalars.count,
        Array(scalars[position..<position + candidate.count]) == candidate
      {
        position += candidate.count
        return value
      }
    }
    return "&"
  }
}

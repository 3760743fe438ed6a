import Foundation

#if canImport(FoundationXML)
import FoundationXML
#endif

/// A parsed XML element: name (without namespace prefix), attributes, children, text.
final class XMLNode {
  let name: String
  let attributes: [String: String]
  var children: [XMLNode] = []
  var text = ""

  init(name: String, attributes: [String: String]) {
    self.name = name
    self.attributes = attributes
  }

  /// The children named `name`.
  func all(_ name: String) -> [XMLNode] { children.filter { $0.name == name } }

  /// The first child named `name`.
  func first(_ name: String) -> XMLNode? { children.first { $0.name == name } }

  /// How deep elements may nest.
  ///
  /// REFI-QDA documents nest a few levels (codes in codes a few more); a
  /// hostile one of many thousands would build a tree whose recursive
  /// release overflows the stack.
  static let maximumDepth = 256

  /// Parses a document.
  ///
  /// - Throws: ``NotUTF8``, ``HasDocumentType``, ``TooDeep`` for a
  ///   document nested deeper than ``maximumDepth``, else the parser's
  ///   error.
  static func parse(_ data: Data) throws -> XMLNode {
    // swift-corelibs' XMLParser traps on bytes that are not UTF-8 in a name
    // or value (FuzzREFI found one); REFI-QDA documents are UTF-8.
    guard String(data: data, encoding: .utf8) != nil else { throw NotUTF8() }
    let markup = data.withUnsafeBytes(Markup.init)
    // It also reads the null pointers libxml2 hands it for the absent public
    // ids of some declarations as C strings (`<!NOTATION n SYSTEM "">`): the
    // process dies. REFI-QDA documents have no document type, and without
    // one there are no entities to expand either.
    if markup.hasDocumentType { throw HasDocumentType() }
    let delegate = TreeBuilder()
    let parser = XMLParser(
      data: Self.givingData(to: markup.instructionsWithoutData, in: data))
    parser.delegate = delegate
    parser.shouldProcessNamespaces = true
    let parsed = parser.parse()
    if delegate.isTooDeep { throw TooDeep() }
    guard parsed, let root = delegate.root else {
      throw parser.parserError ?? CocoaError(.fileReadCorruptFile)
    }
    return root
  }

  /// `data` with a space before the `?>` of the processing instructions
  /// at `insertions` (`<?x?>` becomes `<?x ?>`); `data` itself when there
  /// are none.
  ///
  /// libxml2 hands the data of an instruction without any to
  /// swift-corelibs' XMLParser as a null pointer, which it reads as a C
  /// string: the process dies (`FuzzREFI` found `<?x?>`). With the space,
  /// the data is empty instead. REFI-QDA documents use no processing
  /// instructions, so nothing that is read changes.
  static func givingData(to insertions: [Int], in data: Data) -> Data {
    guard !insertions.isEmpty else { return data }
    var result = Data(capacity: data.count + insertions.count)
    var start = data.startIndex
    for insertion in insertions {
      result.append(data[start..<data.startIndex + insertion])
      result.append(0x20)
      start = data.startIndex + insertion
    }
    result.append(data[start...])
    return result
  }

  /// What a document's markup holds that its parser cannot be given, found
  /// by a pass over its bytes that skips comments and CDATA sections.
  struct Markup {
    /// The offsets of the `?>` of the processing instructions without data.
    var instructionsWithoutData: [Int] = []
    /// Whether it declares a document type (`<!DOCTYPE`).
    var hasDocumentType = false

    init(_ bytes: UnsafeRawBufferPointer) {
      func starts(_ prefix: [UInt8], at index: Int) -> Bool {
        index + prefix.count <= bytes.count
          && bytes[index..<index + prefix.count].elementsEqual(prefix)
      }
      /// The index after the first `terminator` from `index`, or the end.
      func after(_ terminator: [UInt8], from index: Int) -> Int {
        var index = index
        while index < bytes.count, !starts(terminator, at: index) { index += 1 }
        return min(bytes.count, index + terminator.count)
      }
      var index = 0
      while index < bytes.count {
        if bytes[index] != UInt8(ascii: "<") {
          index += 1
        } else if starts(Self.commentStart, at: index) {
          index = after(Self.commentEnd, from: index + Self.commentStart.count)
        } else if starts(Self.cdataStart, at: index) {
          index = after(Self.cdataEnd, from: index + Self.cdataStart.count)
        } else if starts(Self.instructionStart, at: index) {
          // The target runs to white space or `?>`.
          var end = index + 2
          while end < bytes.count, !starts(Self.instructionEnd, at: end),
            ![0x20, 0x09, 0x0A, 0x0D].contains(bytes[end])
          {
            end += 1
          }
          if end > index + 2, starts(Self.instructionEnd, at: end) {
            instructionsWithoutData.append(end)
          }
          index = after(Self.instructionEnd, from: end)
        } else {
          if starts(Self.documentType, at: index) { hasDocumentType = true }
          index += 1
        }
      }
    }

    static let commentStart = Array("<!--".utf8)
    static let commentEnd = Array("-->".utf8)
    static let cdataStart = Array("<![CDATA[".utf8)
    static let cdataEnd = Array("]]>".utf8)
    static let instructionStart = Array("<?".utf8)
    static let instructionEnd = Array("?>".utf8)
    static let documentType = Array("<!DOCTYPE".utf8)
  }

  /// A document that declares a document type.
  struct HasDocumentType: Error {}

  /// A document nested deeper than ``maximumDepth``.
  struct TooDeep: Error {}

  /// A document that is not UTF-8.
  struct NotUTF8: Error {}

  private final class TreeBuilder: NSObject, XMLParserDelegate {
    var root: XMLNode?
    var stack: [XMLNode] = []
    var isTooDeep = false

    func parser(
      _ parser: XMLParser, didStartElement elementName: String,
      namespaceURI: String?,
      qualifiedName: String?, attributes: [String: String] = [:]
    ) {
      guard stack.count < XMLNode.maximumDepth else {
        isTooDeep = true
        parser.abortParsing()
        return
      }
      let node = XMLNode(name: elementName, attributes: attributes)
      if let parent = stack.last {
        parent.children.append(node)
      } else {
        root = node
      }
      stack.append(node)
    }

    func parser(
      _ parser: XMLParser, didEndElement elementName: String,
      namespaceURI: String?,
      qualifiedName: String?
    ) {
      if !stack.isEmpty { stack.removeLast() }
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) {
      stack.last?.text += string
    }
  }
}

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
  /// - Throws: ``NotUTF8``, ``TooDeep`` for a document nested deeper than
  ///   ``maximumDepth``, else the parser's error.
  static func parse(_ data: Data) throws -> XMLNode {
    // swift-corelibs' XMLParser traps on bytes that are not UTF-8 in a name
    // or value (FuzzREFI found one); REFI-QDA documents are UTF-8.
    guard String(data: data, encoding: .utf8) != nil else { throw NotUTF8() }
    let delegate = TreeBuilder()
    let parser = XMLParser(data: data)
    parser.delegate = delegate
    parser.shouldProcessNamespaces = true
    let parsed = parser.parse()
    if delegate.isTooDeep { throw TooDeep() }
    guard parsed, let root = delegate.root else {
      throw parser.parserError ?? CocoaError(.fileReadCorruptFile)
    }
    return root
  }

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

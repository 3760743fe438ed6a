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

  /// Parses a document.
  static func parse(_ data: Data) throws -> XMLNode {
    let delegate = TreeBuilder()
    let parser = XMLParser(data: data)
    parser.delegate = delegate
    parser.shouldProcessNamespaces = true
    guard parser.parse(), let root = delegate.root else {
      throw parser.parserError ?? CocoaError(.fileReadCorruptFile)
    }
    return root
  }

  private final class TreeBuilder: NSObject, XMLParserDelegate {
    var root: XMLNode?
    var stack: [XMLNode] = []

    func parser(
      _ parser: XMLParser, didStartElement elementName: String,
      namespaceURI: String?,
      qualifiedName: String?, attributes: [String: String] = [:]
    ) {
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
      stack.removeLast()
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) {
      stack.last?.text += string
    }
  }
}

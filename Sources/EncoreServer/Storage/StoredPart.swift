/// A part of Encore kept in the store's database beside sessions and grants (the listening
/// history is one), bringing its own schema steps.
///
/// The store never names its parts: whoever opens it says which it holds, their steps run with
/// the store's own, and each part is made once on the store's engine, so what it keeps in memory
/// lives as long as the store.
public protocol StoredPart: AnyObject, Sendable {
    /// The part's schema steps; their versions share one sequence with the store's own.
    static var schemaSteps: [SchemaStep] { get }

    init(store: SQLEncoreStore)
}

/// One numbered step of the schema, applied once and recorded in `encore_schema_migrations`.
public struct SchemaStep: Sendable {
    public var version: Int
    public var name: String
    /// Statements in the dialect-neutral form ``Migrations`` describes.
    public var statements: [String]

    public init(version: Int, name: String, statements: [String]) {
        self.version = version
        self.name = name
        self.statements = statements
    }
}

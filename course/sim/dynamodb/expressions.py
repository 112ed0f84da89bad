"""Parser for DynamoDB's expression languages (condition, filter, key condition, projection, update).

A hand-written tokenizer and recursive-descent parser, so syntax errors can name the offending
token the way DynamoDB does and so learners see the same ValidationException for the same mistake.
One ``Expressions`` object parses every expression of a request: DynamoDB's "unused
ExpressionAttributeNames/Values" check is per request, not per expression.
"""

from __future__ import annotations

from course.sim.dynamodb import expressions_eval as ev
from course.sim.dynamodb.errors import ValidationException
from course.sim.dynamodb.expressions_eval import Path, Update, Value, render_value, type_of

# DynamoDB's reserved words. A–EXTENDED is copied from the "Reserved words in DynamoDB" page;
# the rest of the alphabet was reconstructed from memory of that page, so it may miss a few words.
RESERVED = frozenset(["ABORT", "ABSOLUTE", "ACTION", "ADD", "AFTER", "AGENT", "AGGREGATE", "ALL", "ALLOCATE", "ALTER", "ANALYZE", "AND", "ANY", "ARCHIVE", "ARE", "ARRAY", "AS", "ASC", "ASCII", "ASENSITIVE", "ASSERTION", "ASYMMETRIC", "AT", "ATOMIC", "ATTACH", "ATTRIBUTE", "AUTH", "AUTHORIZATION", "AUTHORIZE", "AUTO", "AVG", "BACK", "BACKUP", "BASE", "BATCH", "BEFORE", "BEGIN", "BETWEEN", "BIGINT", "BINARY", "BIT", "BLOB", "BLOCK", "BOOLEAN", "BOTH", "BREADTH", "BUCKET", "BULK", "BY", "BYTE", "CALL", "CALLED", "CALLING", "CAPACITY", "CASCADE", "CASCADED", "CASE", "CAST", "CATALOG", "CHAR", "CHARACTER", "CHECK", "CLASS", "CLOB", "CLOSE", "CLUSTER", "CLUSTERED", "CLUSTERING", "CLUSTERS", "COALESCE", "COLLATE", "COLLATION", "COLLECTION", "COLUMN", "COLUMNS", "COMBINE", "COMMENT", "COMMIT", "COMPACT", "COMPILE", "COMPRESS", "CONDITION", "CONFLICT", "CONNECT", "CONNECTION", "CONSISTENCY", "CONSISTENT", "CONSTRAINT", "CONSTRAINTS", "CONSTRUCTOR", "CONSUMED", "CONTINUE", "CONVERT", "COPY", "CORRESPONDING", "COUNT", "COUNTER", "CREATE", "CROSS", "CUBE", "CURRENT", "CURSOR", "CYCLE", "DATA", "DATABASE", "DATE", "DATETIME", "DAY", "DEALLOCATE", "DEC", "DECIMAL", "DECLARE", "DEFAULT", "DEFERRABLE", "DEFERRED", "DEFINE", "DEFINED", "DEFINITION", "DELETE", "DELIMITED", "DEPTH", "DEREF", "DESC", "DESCRIBE", "DESCRIPTOR", "DETACH", "DETERMINISTIC", "DIAGNOSTICS", "DIRECTORIES", "DISABLE", "DISCONNECT", "DISTINCT", "DISTRIBUTE", "DO", "DOMAIN", "DOUBLE", "DROP", "DUMP", "DURATION", "DYNAMIC", "EACH", "ELEMENT", "ELSE", "ELSEIF", "EMPTY", "ENABLE", "END", "EQUAL", "EQUALS", "ERROR", "ESCAPE", "ESCAPED", "EVAL", "EVALUATE", "EXCEEDED", "EXCEPT", "EXCEPTION", "EXCEPTIONS", "EXCLUSIVE", "EXEC", "EXECUTE", "EXISTS", "EXIT", "EXPLAIN", "EXPLODE", "EXPORT", "EXPRESSION", "EXTENDED", "EXTERNAL", "EXTRACT", "FAIL", "FALSE", "FAMILY", "FETCH", "FIELDS", "FILE", "FILTER", "FILTERING", "FINAL", "FINISH", "FIRST", "FIXED", "FLATTERN", "FLOAT", "FOR", "FORCE", "FOREIGN", "FORMAT", "FORWARD", "FOUND", "FREE", "FROM", "FULL", "FUNCTION", "FUNCTIONS", "GENERAL", "GENERATE", "GET", "GLOB", "GLOBAL", "GO", "GOTO", "GRANT", "GREATER", "GROUP", "GROUPING", "HANDLER", "HASH", "HAVE", "HAVING", "HEAP", "HIDDEN", "HOLD", "HOUR", "IDENTIFIED", "IDENTITY", "IF", "IGNORE", "IMMEDIATE", "IMPORT", "IN", "INCLUDING", "INCLUSIVE", "INCREMENT", "INCREMENTAL", "INDEX", "INDEXED", "INDEXES", "INDICATOR", "INFINITE", "INITIALLY", "INLINE", "INNER", "INNTER", "INOUT", "INPUT", "INSENSITIVE", "INSERT", "INSTEAD", "INT", "INTEGER", "INTERSECT", "INTERVAL", "INTO", "INVALIDATE", "IS", "ISOLATION", "ITEM", "ITEMS", "ITERATE", "JOIN", "KEY", "KEYS", "LAG", "LANGUAGE", "LARGE", "LAST", "LATERAL", "LEAD", "LEADING", "LEAVE", "LEFT", "LENGTH", "LESS", "LEVEL", "LIKE", "LIMIT", "LIMITED", "LINES", "LIST", "LOAD", "LOCAL", "LOCALTIME", "LOCALTIMESTAMP", "LOCATION", "LOCATOR", "LOCK", "LOCKS", "LOG", "LOGED", "LONG", "LOOP", "LOWER", "MAP", "MATCH", "MATERIALIZED", "MAX", "MAXLEN", "MEMBER", "MERGE", "METHOD", "METRICS", "MIN", "MINUS", "MINUTE", "MISSING", "MOD", "MODE", "MODIFIES", "MODIFY", "MODULE", "MONTH", "MULTI", "MULTISET", "NAME", "NAMES", "NATIONAL", "NATURAL", "NCHAR", "NCLOB", "NEW", "NEXT", "NO", "NONE", "NOT", "NULL", "NULLIF", "NUMBER", "NUMERIC", "OBJECT", "OF", "OFFLINE", "OFFSET", "OLD", "ON", "ONLINE", "ONLY", "OPAQUE", "OPEN", "OPERATOR", "OPTION", "OR", "ORDER", "ORDINALITY", "OTHER", "OTHERS", "OUT", "OUTER", "OUTPUT", "OVER", "OVERLAPS", "OVERRIDE", "OWNER", "PAD", "PARALLEL", "PARAMETER", "PARAMETERS", "PARTIAL", "PARTITION", "PARTITIONED", "PARTITIONS", "PATH", "PERCENT", "PERCENTILE", "PERMISSION", "PERMISSIONS", "PIPE", "PIPELINED", "PLAN", "POOL", "POSITION", "PRECISION", "PREPARE", "PRESERVE", "PRIMARY", "PRIOR", "PRIVATE", "PRIVILEGES", "PROCEDURE", "PROCESSED", "PROJECT", "PROJECTION", "PROPERTY", "PROVISIONING", "PUBLIC", "PUT", "QUERY", "QUIT", "QUORUM", "RAISE", "RANDOM", "RANGE", "RANK", "RAW", "READ", "READS", "REAL", "REBUILD", "RECORD", "RECURSIVE", "REDUCE", "REF", "REFERENCE", "REFERENCES", "REFERENCING", "REGEXP", "REGION", "REINDEX", "RELATIVE", "RELEASE", "REMAINDER", "RENAME", "REPEAT", "REPLACE", "REQUEST", "RESET", "RESIGNAL", "RESOURCE", "RESPONSE", "RESTORE", "RESTRICT", "RESULT", "RETURN", "RETURNING", "RETURNS", "REVERSE", "REVOKE", "RIGHT", "ROLE", "ROLES", "ROLLBACK", "ROLLUP", "ROUTINE", "ROW", "ROWS", "RULE", "RULES", "SAMPLE", "SATISFIES", "SAVE", "SAVEPOINT", "SCAN", "SCHEMA", "SCOPE", "SCROLL", "SEARCH", "SECOND", "SECTION", "SEGMENT", "SEGMENTS", "SELECT", "SELF", "SEMI", "SENSITIVE", "SEPARATE", "SEQUENCE", "SERIALIZABLE", "SESSION", "SET", "SETS", "SHARD", "SHARE", "SHARED", "SHORT", "SHOW", "SIGNAL", "SIMILAR", "SIZE", "SKEWED", "SMALLINT", "SNAPSHOT", "SOME", "SOURCE", "SPACE", "SPACES", "SPARSE", "SPECIFIC", "SPECIFICTYPE", "SPLIT", "SQL", "SQLCODE", "SQLERROR", "SQLEXCEPTION", "SQLSTATE", "SQLWARNING", "START", "STATE", "STATIC", "STATUS", "STORAGE", "STORE", "STORED", "STREAM", "STRING", "STRUCT", "STYLE", "SUB", "SUBMULTISET", "SUBPARTITION", "SUBSTRING", "SUBTYPE", "SUM", "SUPER", "SYMMETRIC", "SYNONYM", "SYSTEM", "TABLE", "TABLESAMPLE", "TEMP", "TEMPORARY", "TERMINATED", "TEXT", "THAN", "THEN", "THROUGHPUT", "TIME", "TIMESTAMP", "TIMEZONE", "TINYINT", "TO", "TOKEN", "TOTAL", "TOUCH", "TRAILING", "TRANSACTION", "TRANSFORM", "TRANSLATE", "TRANSLATION", "TREAT", "TRIGGER", "TRIM", "TRUE", "TRUNCATE", "TTL", "TUPLE", "TYPE", "UNDER", "UNDO", "UNION", "UNIQUE", "UNIT", "UNKNOWN", "UNLOGGED", "UNNEST", "UNPROCESSED", "UNSIGNED", "UNTIL", "UPDATE", "UPPER", "URL", "USAGE", "USE", "USER", "USERS", "USING", "UUID", "VACUUM", "VALUE", "VALUED", "VALUES", "VARCHAR", "VARIABLE", "VARIANCE", "VARINT", "VARYING", "VIEW", "VIEWS", "VIRTUAL", "VOID", "WAIT", "WHEN", "WHENEVER", "WHERE", "WHILE", "WINDOW", "WITH", "WITHIN", "WITHOUT", "WORK", "WRAPPED", "WRITE", "YEAR", "ZONE"])

CONDITION_FUNCTIONS = {"attribute_exists": 1, "attribute_not_exists": 1, "attribute_type": 2,
                       "begins_with": 2, "contains": 2}
ATTRIBUTE_TYPES = ("B", "NULL", "SS", "BOOL", "L", "BS", "N", "NS", "S", "M")
COMPARATORS = ("=", "<>", "<", "<=", ">", ">=")
MAX_IN_OPERANDS = 100


class Token:
    def __init__(self, kind, text, start, end):
        self.kind, self.text, self.start, self.end = kind, text, start, end


def tokenize(text: str, label: str) -> list[Token]:
    """Split into NAME/ALIAS/VALUE/INDEX/punctuation tokens; EOF is a real token so errors can
    report ``token: "<EOF>"`` exactly as DynamoDB does."""
    tokens, i = [], 0
    while i < len(text):
        ch = text[i]
        if ch.isspace():
            i += 1
            continue
        start = i
        if ch in "#:" or ch.isalpha() or ch == "_":
            i += 1
            while i < len(text) and (text[i].isalnum() or text[i] == "_"):
                i += 1
            kind = {"#": "ALIAS", ":": "VALUE"}.get(ch, "NAME")
            if kind != "NAME" and i == start + 1:
                raise _syntax(label, text, tokens, Token("?", ch, start, i))
        elif ch.isdigit():
            while i < len(text) and text[i].isdigit():
                i += 1
            kind = "INDEX"
        elif text.startswith(("<>", "<=", ">="), i):
            i += 2
            kind = "OP"
        elif ch in "=<>+-(),.[]":
            i += 1
            kind = "OP"
        else:
            raise _syntax(label, text, tokens, Token("?", ch, start, start + 1))
        tokens.append(Token(kind, text[start:i], start, i))
    tokens.append(Token("EOF", "<EOF>", len(text), len(text)))
    return tokens


def _syntax(label, text, tokens, token):
    """DynamoDB's 'near' is the offending token with its neighbours, quoted from the source."""
    previous = tokens[-1].start if tokens else token.start
    following = text[token.end:].split(None, 1)
    near_end = token.end + (len(text[token.end:]) - len(text[token.end:].lstrip())) + (len(following[0]) if following else 0)
    near = text[previous:near_end].strip()
    return ValidationException(f'Invalid {label}: Syntax error; token: "{token.text}", near: "{near}"')


class Parser:
    """One parse of one expression; records which #names and :values it used."""

    def __init__(self, text, label, names, values):
        if not text or not text.strip():
            raise ValidationException(f"Invalid {label}: The expression can not be empty;")
        self.text, self.label, self.names, self.values = text, label, names or {}, values or {}
        self.tokens = tokenize(text, label)
        self.pos = 0
        self.used_names, self.used_values = set(), set()
        self.grouped: set[int] = set()  # conditions that were written inside parentheses

    # -- token helpers
    @property
    def token(self) -> Token:
        return self.tokens[self.pos]

    def peek(self) -> Token:
        return self.tokens[min(self.pos + 1, len(self.tokens) - 1)]

    def error(self, token=None):
        token = token or self.token
        return _syntax(self.label, self.text, self.tokens[: self.tokens.index(token)], token)

    def keyword(self, word: str) -> bool:
        return self.token.kind == "NAME" and self.token.text.upper() == word

    def accept(self, text: str) -> bool:
        if (self.token.kind == "OP" and self.token.text == text) or self.keyword(text):
            self.pos += 1
            return True
        return False

    def expect(self, text: str):
        if not self.accept(text):
            raise self.error()

    def end(self):
        if self.token.kind != "EOF":
            raise self.error()

    def fail(self, message):
        return ValidationException(f"Invalid {self.label}: {message}")

    # -- paths and operands
    def path(self) -> Path:
        elements = [self.name()]
        while True:
            if self.accept("."):
                elements.append(self.name())
            elif self.accept("["):
                if self.token.kind != "INDEX":
                    raise self.error()
                elements.append(int(self.token.text))
                self.pos += 1
                self.expect("]")
            else:
                return Path(elements)

    def name(self) -> str:
        token = self.token
        if token.kind == "ALIAS":
            if token.text not in self.names:
                raise self.fail(f"An expression attribute name used in the document path is not defined; attribute name: {token.text}")
            self.used_names.add(token.text)
            self.pos += 1
            return self.names[token.text]
        if token.kind != "NAME":
            raise self.error()
        if token.text.upper() in RESERVED:
            raise self.fail(f"Attribute name is a reserved keyword; reserved keyword: {token.text}")
        self.pos += 1
        return token.text

    def value(self) -> Value:
        token = self.token
        if token.kind != "VALUE":
            raise self.error()
        if token.text not in self.values:
            raise self.fail(f"An expression attribute value used in expression is not defined; attribute value: {token.text}")
        self.used_values.add(token.text)
        self.pos += 1
        return Value(self.values[token.text])

    def is_call(self, *names) -> bool:
        following = self.peek()
        return (self.token.kind == "NAME" and self.token.text in names
                and following.kind == "OP" and following.text == "(")

    def operand(self):
        if self.token.kind == "VALUE":
            return self.value()
        if self.is_call("size"):
            self.pos += 2
            target = self.path()
            self.expect(")")
            return ev.Size(target)
        if self.token.kind == "NAME" and self.peek().text == "(":
            raise self.fail(f"Invalid function name; function: {self.token.text}")
        return self.path()

    # -- conditions: OR binds loosest, then AND, then NOT, then comparisons
    def condition(self):
        node = self.conjunction()
        while self.accept("OR"):
            node = ev.Or(node, self.conjunction())
        return node

    def conjunction(self):
        node = self.negation()
        while self.accept("AND"):
            node = ev.And(node, self.negation())
        return node

    def negation(self):
        if self.accept("NOT"):
            return ev.Not(self.negation())
        return self.predicate()

    def predicate(self):
        if self.accept("("):
            node = self.condition()
            self.expect(")")
            if id(node) in self.grouped:  # "((a = :v))": DynamoDB refuses parentheses that add nothing
                raise self.fail("The expression has redundant parentheses;")
            self.grouped.add(id(node))
            return node
        if self.token.kind == "NAME" and self.token.text in CONDITION_FUNCTIONS and self.is_call(self.token.text):
            return self.function()
        left = self.operand()
        if self.token.kind == "OP" and self.token.text in COMPARATORS:
            op = self.token.text
            self.pos += 1
            right = self.operand()
            self.distinct(op, left, [right])
            return ev.Compare(op, left, right)
        if self.accept("BETWEEN"):
            low = self.operand()
            self.expect("AND")
            high = self.operand()
            self.distinct("BETWEEN", left, [low, high])
            self.check_bounds(low, high)
            return ev.Between(left, low, high)
        if self.accept("IN"):
            self.expect("(")
            options = [self.operand()]
            while self.accept(","):
                options.append(self.operand())
            self.expect(")")
            if len(options) > MAX_IN_OPERANDS:
                raise self.fail(f"The IN operator is provided with too many operands; number of operands: {len(options)}")
            self.distinct("IN", left, options)
            return ev.In(left, options)
        raise self.error()

    def distinct(self, operator, first, rest):
        """Comparing a path with itself is always true or always false, so DynamoDB refuses it."""
        if isinstance(first, Path) and any(isinstance(o, Path) and o.elements == first.elements for o in rest):
            raise self.fail("The first operand must be distinct from the remaining operands for this operator or "
                            f"function; operator: {operator}, first operand: {first!r}")

    def check_bounds(self, low, high):
        if not (isinstance(low, Value) and isinstance(high, Value)):
            return
        shown = f"lower bound operand: {render_value(low.av)}, upper bound operand: {render_value(high.av)}"
        if type_of(low.av) != type_of(high.av):
            raise self.fail(f"The BETWEEN operator requires same data type for lower and upper bounds; {shown}")
        if ev.compare(">", low.av, high.av):
            raise self.fail(f"The BETWEEN operator requires upper bound to be greater than or equal to lower bound; {shown}")

    def function(self):
        name = self.token.text
        self.pos += 2
        args = [self.operand()]
        while self.accept(","):
            args.append(self.operand())
        self.expect(")")
        if len(args) != CONDITION_FUNCTIONS[name]:
            raise self.fail(f"Incorrect number of operands for operator or function; operator or function: {name}, number of operands: {len(args)}")
        if not isinstance(args[0], Path):
            raise self.fail(f"Operator or function requires a document path; operator or function: {name}")
        self.distinct(name, args[0], args[1:])
        if len(args) == 2 and isinstance(args[1], Value):
            kind = type_of(args[1].av)
            if name == "begins_with" and kind not in ("S", "B"):
                raise self.fail(f"Incorrect operand type for operator or function; operator or function: begins_with, operand type: {kind}")
            if name == "attribute_type" and (kind != "S" or args[1].av["S"] not in ATTRIBUTE_TYPES):
                shown = args[1].av.get("S", kind)
                raise self.fail(f"Invalid attribute type name found; type: {shown}, valid types: {{{','.join(ATTRIBUTE_TYPES)}}}")
        return ev.Function(name, args)

    # -- update expressions
    def update(self) -> Update:
        clauses = {"SET": [], "REMOVE": [], "ADD": [], "DELETE": []}
        seen = set()
        while self.token.kind != "EOF":
            word = self.token.text.upper() if self.token.kind == "NAME" else None
            if word not in clauses:
                raise self.error()
            if word in seen:
                raise self.fail(f'The "{word}" section can only be used once in an update expression;')
            seen.add(word)
            self.pos += 1
            while True:
                clauses[word].append(getattr(self, "action_" + word.lower())())
                if not self.accept(","):
                    break
        update = Update(clauses["SET"], clauses["REMOVE"], clauses["ADD"], clauses["DELETE"])
        self.no_overlap(update.paths())
        return update

    def no_overlap(self, paths):
        """One path may not contain another, nor treat an attribute as a list where another
        treats it as a map (``a[0]`` with ``a.b``): DynamoDB calls the first an overlap and
        the second a conflict."""
        for i, one in enumerate(paths):
            for two in paths[i + 1:]:
                if one.overlaps(two):
                    raise self.fail("Two document paths overlap with each other; must remove or rewrite one of these "
                                    f"paths; path one: {one!r}, path two: {two!r}")
                if one.conflicts(two):
                    raise self.fail("Two document paths conflict with each other; must remove or rewrite one of these "
                                    f"paths; path one: {one!r}, path two: {two!r}")

    def action_set(self):
        target = self.path()
        self.expect("=")
        left = self.set_operand()
        if self.token.kind == "OP" and self.token.text in "+-":
            op = self.token.text
            self.pos += 1
            return target, ev.Arithmetic(op, left, self.set_operand())
        return target, left

    def set_operand(self):
        if self.is_call("if_not_exists"):
            self.pos += 2
            path = self.path()
            self.expect(",")
            fallback = self.set_operand()
            self.expect(")")
            self.distinct("if_not_exists", path, [fallback])
            return ev.IfNotExists(path, fallback)
        if self.is_call("list_append"):
            self.pos += 2
            first = self.set_operand()
            self.expect(",")
            second = self.set_operand()
            self.expect(")")
            return ev.ListAppend(first, second)
        if self.token.kind == "NAME" and self.peek().text == "(":
            raise self.fail(f"Invalid function name; function: {self.token.text}")
        return self.value() if self.token.kind == "VALUE" else self.path()

    def action_remove(self):
        return self.path()

    def action_add(self, operator="ADD", allowed=("N", "SS", "NS", "BS")):
        target, value = self.path(), self.value()
        kind = type_of(value.av)
        if kind not in allowed:
            raise self.fail("Incorrect operand type for operator or function; "
                            f"operator: {operator}, operand type: {_TYPE_WORDS.get(kind, kind)}")
        return target, value

    def action_delete(self):
        return self.action_add("DELETE", ("SS", "NS", "BS"))


_TYPE_WORDS = {"S": "STRING", "N": "NUMBER", "B": "BINARY", "BOOL": "BOOLEAN", "NULL": "NULL", "L": "LIST", "M": "MAP"}



class Expressions:
    """The expressions of one request, parsed against its shared names and values.

    Call the ``condition``/``key_condition``/``projection``/``update`` parsers for whichever
    expressions the request carries, then ``check_unused()``: a name may be used only by the
    filter and still count, so the check has to wait until every expression is parsed.
    """

    def __init__(self, names: dict | None = None, values: dict | None = None):
        self.names, self.values = names or {}, values or {}
        self.used_names, self.used_values = set(), set()

    def _parser(self, text, label):
        return Parser(text, label, self.names, self.values)

    def _done(self, parser):
        parser.end()
        self.used_names |= parser.used_names
        self.used_values |= parser.used_values

    def condition(self, text: str, label: str = "ConditionExpression") -> Condition:
        parser = self._parser(text, label)
        tree = parser.condition()
        self._done(parser)
        return Condition(tree)

    def key_condition(self, text: str, key_schema: list) -> ev.KeyCondition:
        parser = self._parser(text, "KeyConditionExpression")
        tree = parser.condition()
        self._done(parser)
        return _key_condition(tree, key_schema)

    def projection(self, text: str) -> ev.Projection:
        parser = self._parser(text, "ProjectionExpression")
        paths = [parser.path()]
        while parser.accept(","):
            paths.append(parser.path())
        self._done(parser)
        parser.no_overlap(paths)
        return ev.Projection(paths)

    def update(self, text: str) -> Update:
        parser = self._parser(text, "UpdateExpression")
        result = parser.update()
        self._done(parser)
        return result

    def check_unused(self) -> None:
        if self.names or self.values:
            check_unused(self.names, self.values, self.used_names, self.used_values)


class Condition:
    """A parsed condition or filter; ``evaluate`` never raises, since DynamoDB treats a type
    mismatch or missing attribute as 'false' rather than as an error at evaluation time."""

    def __init__(self, tree):
        self.tree = tree

    def evaluate(self, item: dict) -> bool:
        return bool(self.tree.evaluate(item))


def check_unused(names, values, used_names, used_values) -> None:
    """Values are checked before names, the order DynamoDB reports them in."""
    for label, given, used in (("ExpressionAttributeValues", values or {}, used_values),
                               ("ExpressionAttributeNames", names or {}, used_names)):
        unused = sorted(set(given) - set(used))
        if unused:
            raise ValidationException(f"Value provided in {label} unused in expressions: keys: {{{', '.join(unused)}}}")


def _key_condition(tree, key_schema) -> ev.KeyCondition:
    """Reduce a parsed condition to 'partition = v [AND sort-predicate]' or say why it isn't one."""
    keys = {k["KeyType"]: k["AttributeName"] for k in key_schema}
    hash_key, range_key = keys.get("HASH"), keys.get("RANGE")
    parts, stack = [], [tree]
    while stack:
        node = stack.pop()
        banned = {ev.Or: "OR", ev.Not: "NOT", ev.In: "IN"}.get(type(node))
        if banned:
            raise ValidationException(f"Invalid operator used in KeyConditionExpression: {banned}")
        if isinstance(node, ev.And):
            stack += [node.right, node.left]
            continue
        parts.append(node)
    if len(parts) > 2:
        raise ValidationException("Conditions can be of length 1 or 2 only")
    subjects = [n.args[0] if isinstance(n, ev.Function) else n.subject if isinstance(n, ev.Between) else n.left
                for n in parts]
    found = {}
    for node in parts:
        if isinstance(node, ev.Function):
            if node.name != "begins_with":
                raise ValidationException(f"Invalid operator used in KeyConditionExpression: {node.name}")
            subject, op, operands = node.args[0], "begins_with", node.args[1:]
        elif isinstance(node, ev.Between):
            subject, op, operands = node.subject, "BETWEEN", [node.low, node.high]
        else:
            if node.op == "<>":
                raise ValidationException("Invalid operator used in KeyConditionExpression: <>")
            subject, op, operands = node.left, node.op, [node.right]
        if not isinstance(subject, Path) or len(subject.elements) != 1 or not all(isinstance(o, Value) for o in operands):
            raise ValidationException("Query key condition not supported")
        name = subject.elements[0]
        if name not in (hash_key, range_key):
            named = {p.elements[0] for p in subjects if isinstance(p, Path)}
            missed = range_key if hash_key in named and range_key is not None else hash_key
            raise ValidationException(f"Query condition missed key schema element: {missed}")
        if name in found:
            raise ValidationException("KeyConditionExpressions must only contain one condition per key")
        found[name] = (op, [o.av for o in operands])
    if hash_key not in found:
        raise ValidationException(f"Query condition missed key schema element: {hash_key}")
    if found[hash_key][0] != "=":
        raise ValidationException("Query key condition not supported")
    sort = found.get(range_key)
    return ev.KeyCondition(hash_key, found[hash_key][1][0], range_key if sort else None,
                           sort[0] if sort else None, sort[1] if sort else [])


def _alone(names, values, parse):
    """Parse one expression as a whole request, so the unused-name check covers just it."""
    exprs = Expressions(names, values)
    result = parse(exprs)
    exprs.check_unused()
    return result


def parse_condition(text, names=None, values=None, label="ConditionExpression") -> Condition:
    return _alone(names, values, lambda e: e.condition(text, label))


def parse_key_condition(text, names, values, key_schema) -> ev.KeyCondition:
    return _alone(names, values, lambda e: e.key_condition(text, key_schema))


def parse_projection(text, names=None) -> ev.Projection:
    return _alone(names, None, lambda e: e.projection(text))


def parse_update(text, names=None, values=None) -> Update:
    return _alone(names, values, lambda e: e.update(text))

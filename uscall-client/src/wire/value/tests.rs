//! Round trips of values through XML and JSON by hand-built descriptors, as the generated code
//! will use them: Rust value → Value → XML → tree → Value → Rust value.

use super::json::{from_json, to_json};
use super::read::{read, read_answer};
use super::tree::Element;
use super::write::Writer;
use super::*;
use crate::meta::{Builtin, FieldForm, FieldInfo, Occurs, Ty, TypeInfo, TypeKind, Use};
use serde_json::json;

mod scalars;

const F: FieldInfo = FieldInfo {
    name: "",
    rust_name: "",
    namespace: None,
    ty: Ty::Simple(Builtin::String),
    occurs: Occurs::One,
    form: FieldForm::Element,
    nillable: false,
};

static ADDRESS: TypeInfo = TypeInfo {
    name: "Address",
    namespace: "urn:addr",
    rust_name: "Address",
    kind: TypeKind::Struct(&[
        FieldInfo {
            name: "street",
            rust_name: "street",
            namespace: Some("urn:addr"),
            ..F
        },
        FieldInfo {
            name: "zip",
            rust_name: "zip",
            namespace: Some("urn:addr"),
            occurs: Occurs::Optional,
            ..F
        },
    ]),
};

static PERSON: TypeInfo = TypeInfo {
    name: "Person",
    namespace: "urn:x",
    rust_name: "Person",
    kind: TypeKind::Struct(&[
        FieldInfo {
            name: "id",
            rust_name: "id",
            ty: Ty::Simple(Builtin::Int),
            occurs: Occurs::Optional,
            form: FieldForm::Attribute,
            ..F
        },
        FieldInfo {
            name: "name",
            rust_name: "name",
            ..F
        },
        FieldInfo {
            name: "age",
            rust_name: "age",
            ty: Ty::Simple(Builtin::Int),
            occurs: Occurs::Optional,
            nillable: true,
            ..F
        },
        FieldInfo {
            name: "tags",
            rust_name: "tags",
            occurs: Occurs::Many,
            ..F
        },
        FieldInfo {
            name: "born",
            rust_name: "born",
            ty: Ty::Simple(Builtin::DateTime),
            occurs: Occurs::Optional,
            ..F
        },
        FieldInfo {
            name: "color",
            rust_name: "color",
            ty: Ty::Named(&COLOR),
            occurs: Occurs::Optional,
            ..F
        },
        FieldInfo {
            name: "address",
            rust_name: "address",
            ty: Ty::Named(&ADDRESS),
            occurs: Occurs::Optional,
            ..F
        },
        FieldInfo {
            name: "friend",
            rust_name: "friend",
            ty: Ty::Named(&PERSON),
            occurs: Occurs::Optional,
            ..F
        },
    ]),
};

static COLOR: TypeInfo = TypeInfo {
    name: "Color",
    namespace: "urn:x",
    rust_name: "Color",
    kind: TypeKind::Enum {
        base: Builtin::String,
        values: &["red", "green"],
    },
};

static PEOPLE: TypeInfo = TypeInfo {
    name: "ArrayOfPerson",
    namespace: "urn:x",
    rust_name: "ArrayOfPerson",
    kind: TypeKind::Array {
        item: Ty::Named(&PERSON),
        item_name: "item",
    },
};

static PRICE: TypeInfo = TypeInfo {
    name: "Price",
    namespace: "",
    rust_name: "Price",
    kind: TypeKind::Struct(&[
        FieldInfo {
            name: "currency",
            rust_name: "currency",
            form: FieldForm::Attribute,
            ..F
        },
        FieldInfo {
            name: "value",
            rust_name: "value",
            ty: Ty::Simple(Builtin::Decimal),
            form: FieldForm::Text,
            ..F
        },
    ]),
};

#[derive(Debug, Clone, PartialEq)]
struct Address {
    street: String,
    zip: Option<String>,
}

impl SoapValue for Address {
    fn to_value(&self) -> Value {
        fields([
            ("street", self.street.to_value()),
            ("zip", self.zip.to_value()),
        ])
    }
    fn from_value(v: Value) -> Result<Self, ValueError> {
        let mut f = Fields::new(v, "Address")?;
        Ok(Address {
            street: f.take("street")?,
            zip: f.take("zip")?,
        })
    }
}

#[derive(Debug, Clone, PartialEq)]
enum Color {
    Red,
    Green,
    Unknown(String),
}

impl SoapValue for Color {
    fn to_value(&self) -> Value {
        Value::Text(
            match self {
                Color::Red => "red",
                Color::Green => "green",
                Color::Unknown(other) => other,
            }
            .to_owned(),
        )
    }
    fn from_value(v: Value) -> Result<Self, ValueError> {
        Ok(match String::from_value(v)?.as_str() {
            "red" => Color::Red,
            "green" => Color::Green,
            other => Color::Unknown(other.to_owned()),
        })
    }
}

#[derive(Debug, Clone, PartialEq)]
struct Person {
    id: Option<i32>,
    name: String,
    age: Option<i32>,
    tags: Vec<String>,
    born: Option<DateTime>,
    color: Option<Color>,
    address: Option<Address>,
    friend: Option<Box<Person>>,
}

impl SoapValue for Person {
    fn to_value(&self) -> Value {
        fields([
            ("id", self.id.to_value()),
            ("name", self.name.to_value()),
            ("age", self.age.to_value()),
            ("tags", self.tags.to_value()),
            ("born", self.born.to_value()),
            ("color", self.color.to_value()),
            ("address", self.address.to_value()),
            ("friend", self.friend.to_value()),
        ])
    }
    fn from_value(v: Value) -> Result<Self, ValueError> {
        let mut f = Fields::new(v, "Person")?;
        Ok(Person {
            id: f.take("id")?,
            name: f.take("name")?,
            age: f.take("age")?,
            tags: f.take("tags")?,
            born: f.take("born")?,
            color: f.take("color")?,
            address: f.take("address")?,
            friend: f.take("friend")?,
        })
    }
}

fn person(name: &str) -> Person {
    Person {
        id: Some(7),
        name: name.into(),
        age: None,
        tags: vec!["a & b".into(), "c".into()],
        born: DateTime::parse("2025-06-02T10:00:00.5-03:00"),
        color: Some(Color::Unknown("mauve".into())),
        address: Some(Address {
            street: "Rua <1>".into(),
            zip: None,
        }),
        friend: Some(Box::new(Person {
            id: None,
            name: "Bo".into(),
            age: Some(3),
            tags: vec![],
            born: None,
            color: Some(Color::Red),
            address: None,
            friend: None,
        })),
    }
}

/// The XML of `value` as element `name`, inside a wrapper declaring the envelope's prefixes.
fn written(name: &str, value: &Value, ty: Ty, body_use: Use) -> String {
    let mut out = String::new();
    Writer::new(&mut out, body_use, Some("urn:op"))
        .element(name, None, value, ty)
        .unwrap();
    out
}

fn wrapped(xml: &str) -> String {
    format!(
        "<w xmlns:xsd=\"http://www.w3.org/2001/XMLSchema\" \
         xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" \
         xmlns:SOAP-ENC=\"http://schemas.xmlsoap.org/soap/encoding/\" \
         xmlns:ns1=\"urn:op\">{xml}</w>"
    )
}

/// Writes `value`, parses it back and reads it by `ty`.
fn through_xml(value: &Value, ty: Ty, body_use: Use) -> Value {
    let xml = wrapped(&written("v", value, ty, body_use));
    let tree = Element::parse(&xml).unwrap();
    read(&tree.children[0], ty).unwrap()
}

#[test]
fn a_recursive_struct_round_trips_encoded_and_literal() {
    let p = person("Al");
    for body_use in [Use::Encoded, Use::Literal] {
        let back = through_xml(&p.to_value(), Ty::Named(&PERSON), body_use);
        assert_eq!(Person::from_value(back).unwrap(), p, "{body_use:?}");
    }
}

#[test]
fn encoded_writing_annotates_every_accessor() {
    let p = Person {
        friend: None,
        color: None,
        born: None,
        tags: vec!["t".into()],
        ..person("Al")
    };
    let xml = written("person", &p.to_value(), Ty::Named(&PERSON), Use::Encoded);
    assert_eq!(
        xml,
        "<person xmlns:ns2=\"urn:x\" xsi:type=\"ns2:Person\" id=\"7\">\
         <name xsi:type=\"xsd:string\">Al</name><age xsi:nil=\"true\"/>\
         <tags xsi:type=\"xsd:string\">t</tags>\
         <address xmlns:ns2=\"urn:addr\" xsi:type=\"ns2:Address\">\
         <ns2:street xsi:type=\"xsd:string\">Rua &lt;1&gt;</ns2:street></address></person>"
    );
}

#[test]
fn literal_writing_qualifies_fields_and_repeats_elements() {
    let a = Address {
        street: "S".into(),
        zip: Some("1".into()),
    };
    let xml = written("address", &a.to_value(), Ty::Named(&ADDRESS), Use::Literal);
    assert_eq!(
        xml,
        "<address><ns2:street xmlns:ns2=\"urn:addr\">S</ns2:street>\
         <ns2:zip xmlns:ns2=\"urn:addr\">1</ns2:zip></address>"
    );
    let p = Person {
        friend: None,
        address: None,
        born: None,
        color: None,
        id: None,
        ..person("Al")
    };
    let xml = written("p", &p.to_value(), Ty::Named(&PERSON), Use::Literal);
    assert_eq!(
        xml,
        "<p><name>Al</name><age xsi:nil=\"true\"/><tags>a &amp; b</tags><tags>c</tags></p>"
    );
}

#[test]
fn an_encoded_array_of_structs_is_written_and_read() {
    let people = vec![person("A"), person("B")];
    let value = people.to_value();
    let xml = written("people", &value, Ty::Named(&PEOPLE), Use::Encoded);
    assert!(
        xml.starts_with(
            "<people xmlns:ns2=\"urn:x\" xsi:type=\"SOAP-ENC:Array\" \
             SOAP-ENC:arrayType=\"ns2:Person[2]\"><item xsi:type=\"ns2:Person\" id=\"7\">"
        ),
        "{xml}"
    );
    let back = through_xml(&value, Ty::Named(&PEOPLE), Use::Encoded);
    assert_eq!(Vec::<Person>::from_value(back).unwrap(), people);
    // Items are read whatever their names, as servers write them.
    let xml = wrapped(
        "<v xsi:type=\"SOAP-ENC:Array\"><Person><name>x</name></Person><p><name>y</name></p></v>",
    );
    let tree = Element::parse(&xml).unwrap();
    let read_back = Vec::<Person>::from_value(read(&tree.children[0], Ty::Named(&PEOPLE)).unwrap());
    let names: Vec<String> = read_back.unwrap().into_iter().map(|p| p.name).collect();
    assert_eq!(names, ["x", "y"]);
}

#[test]
fn reading_is_tolerant_of_order_namespaces_unknowns_and_nil() {
    let xml = "<p xmlns:q=\"urn:whatever\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" id=\" 9 \">\
               <unknown><deep/></unknown><q:tags>1</q:tags><age xsi:nil=\"1\"/>\
               <q:name>N</q:name><tags>2</tags><color>purple</color></p>";
    let tree = Element::parse(xml).unwrap();
    let p = Person::from_value(read(&tree, Ty::Named(&PERSON)).unwrap()).unwrap();
    assert_eq!(p.id, Some(9));
    assert_eq!(p.name, "N");
    assert_eq!(p.age, None);
    assert_eq!(p.tags, ["1", "2"]);
    assert_eq!(p.color, Some(Color::Unknown("purple".into())));
    assert_eq!(p.friend, None);
    // A required field that is not there is an error naming it.
    let tree = Element::parse("<p><age>x</age></p>").unwrap();
    let err = Person::from_value(read(&tree, Ty::Named(&PERSON)).unwrap()).unwrap_err();
    assert_eq!(err.to_string(), "`name`: missing");
    let tree = Element::parse("<p><name>n</name><friend><name>f</name><age>old</age></friend></p>")
        .unwrap();
    let err = Person::from_value(read(&tree, Ty::Named(&PERSON)).unwrap()).unwrap_err();
    assert_eq!(err.path(), "friend.age");
}

#[test]
fn simple_content_with_an_attribute() {
    let xml = "<price currency=\"BRL\"> 12.50 </price>";
    let value = read(&Element::parse(xml).unwrap(), Ty::Named(&PRICE)).unwrap();
    assert_eq!(
        value,
        fields([
            ("currency", Value::Text("BRL".into())),
            ("value", Value::Text(" 12.50 ".into()))
        ])
    );
    let mut f = Fields::new(value.clone(), "Price").unwrap();
    assert_eq!(f.take::<f64>("value").unwrap(), 12.5);
    assert_eq!(
        written("price", &value, Ty::Named(&PRICE), Use::Literal),
        "<price currency=\"BRL\"> 12.50 </price>"
    );
    assert_eq!(
        to_json(&value, Ty::Named(&PRICE)),
        json!({"currency": "BRL", "value": 12.5})
    );
}

#[test]
fn lists_and_any() {
    let xml = wrapped(
        "<v> 1 2\n3 </v><a xsi:type=\"xsd:int\">5</a>\
         <b xsi:type=\"SOAP-ENC:Array\"><i>1</i><i xsi:nil=\"true\"/></b>\
         <c><x>1</x><y>2</y><x>3</x></c><d>text</d>",
    );
    let tree = Element::parse(&xml).unwrap();
    let c = &tree.children;
    assert_eq!(
        Vec::<i32>::from_value(read(&c[0], Ty::List(Builtin::Int)).unwrap()).unwrap(),
        [1, 2, 3]
    );
    assert_eq!(read(&c[1], Ty::Any).unwrap(), Value::Text("5".into()));
    assert_eq!(
        read(&c[2], Ty::Any).unwrap(),
        Value::List(vec![Value::Text("1".into()), Value::Nil])
    );
    assert_eq!(
        read(&c[3], Ty::Any).unwrap(),
        fields([
            (
                "x",
                Value::List(vec![Value::Text("1".into()), Value::Text("3".into())])
            ),
            ("y", Value::Text("2".into()))
        ])
    );
    assert_eq!(read(&c[4], Ty::Any).unwrap(), Value::Text("text".into()));
    let list = Value::List(vec![Value::Text("a".into()), Value::Text("b".into())]);
    assert_eq!(
        written("l", &list, Ty::List(Builtin::String), Use::Encoded),
        "<l xsi:type=\"xsd:string\">a b</l>"
    );
}

static RETURN: [FieldInfo; 1] = [FieldInfo {
    name: "return",
    rust_name: "r#return",
    ty: Ty::Simple(Builtin::Int),
    ..F
}];

static TWO: [FieldInfo; 2] = [
    FieldInfo {
        name: "sum",
        rust_name: "sum",
        ty: Ty::Simple(Builtin::Int),
        ..F
    },
    FieldInfo {
        name: "notes",
        rust_name: "notes",
        occurs: Occurs::Many,
        ..F
    },
];

#[test]
fn answers_by_their_outputs() {
    let axis = Element::parse("<addResponse><addReturn>5</addReturn></addResponse>").unwrap();
    assert_eq!(
        i32::from_value(read_answer(&axis, &RETURN).unwrap()).unwrap(),
        5
    );
    let named = Element::parse("<r><junk/><return>6</return></r>").unwrap();
    assert_eq!(
        read_answer(&named, &RETURN).unwrap(),
        Value::Text("6".into())
    );
    let two = Element::parse("<r><notes>a</notes><sum>3</sum><notes>b</notes></r>").unwrap();
    let mut f = Fields::new(read_answer(&two, &TWO).unwrap(), "answer").unwrap();
    assert_eq!(f.take::<i32>("sum").unwrap(), 3);
    assert_eq!(f.take::<Vec<String>>("notes").unwrap(), ["a", "b"]);
    assert_eq!(read_answer(&two, &[]).unwrap(), Value::Struct(vec![]));
    let empty = Element::parse("<r/>").unwrap();
    assert_eq!(read_answer(&empty, &RETURN).unwrap(), Value::Nil);
}

#[test]
fn writing_the_wrong_shape_or_bad_characters_names_the_path() {
    let mut out = String::new();
    let mut w = Writer::new(&mut out, Use::Literal, None);
    let bad = fields([("name", fields([]))]);
    let err = w.element("p", None, &bad, Ty::Named(&PERSON)).unwrap_err();
    assert_eq!(err.path(), "name");
    assert!(err.message().starts_with("expected text"), "{err}");
    let bad = fields([("name", Value::Text("a\u{1}".into()))]);
    let err = w.element("p", None, &bad, Ty::Named(&PERSON)).unwrap_err();
    assert_eq!(
        err.to_string(),
        "`name`: holds U+0001 at character 1, which XML 1.0 cannot carry"
    );
    let bad = fields([("nom", Value::Text("a".into()))]);
    let err = w.element("p", None, &bad, Ty::Named(&PERSON)).unwrap_err();
    assert_eq!(err.message(), "`Person` has no field `nom`");
    assert_eq!(out, "", "a failed element leaves nothing behind");
}

#[test]
fn json_round_trips_and_refusals() {
    let p = person("Al");
    let j = to_json(&p.to_value(), Ty::Named(&PERSON));
    assert_eq!(j["id"], json!(7));
    assert_eq!(j["tags"], json!(["a & b", "c"]));
    assert_eq!(j["friend"]["age"], json!(3));
    let back = from_json(&j, Ty::Named(&PERSON));
    // The unknown enum value is shown, but not accepted as input.
    let err = back.unwrap_err();
    assert_eq!(err.path(), "color");
    let mut j = j;
    j["color"] = json!("green");
    let back = Person::from_value(from_json(&j, Ty::Named(&PERSON)).unwrap()).unwrap();
    assert_eq!(back.color, Some(Color::Green));
    assert_eq!(back.friend, p.friend);
    let refused = [
        (json!({"name": "x", "nick": 1}), ""),
        (json!({"age": 1}), "name"),
        (json!({"name": "x", "age": 3_000_000_000u64}), "age"),
        (json!({"name": "x", "age": "3"}), "age"),
        (json!({"name": "x", "born": "yesterday"}), "born"),
        (json!({"name": 5}), "name"),
    ];
    for (json, path) in refused {
        let err = from_json(&json, Ty::Named(&PERSON)).unwrap_err();
        assert_eq!(err.path(), path, "{json}: {err}");
    }
    assert_eq!(
        from_json(&json!("NaN"), Ty::Simple(Builtin::Double)).unwrap(),
        Value::Text("NaN".into())
    );
    assert_eq!(
        to_json(&Value::Text("INF".into()), Ty::Simple(Builtin::Double)),
        json!("INF")
    );
    assert_eq!(
        to_json(&Value::Text("1".into()), Ty::Simple(Builtin::Boolean)),
        json!(true)
    );
    assert!(from_json(&json!(300), Ty::Simple(Builtin::UnsignedByte)).is_err());
    assert!(from_json(&json!(true), Ty::Simple(Builtin::Boolean)).is_ok());
    assert_eq!(
        from_json(&json!([1, 2]), Ty::List(Builtin::Int)).unwrap(),
        Value::List(vec![Value::Text("1".into()), Value::Text("2".into())])
    );
}

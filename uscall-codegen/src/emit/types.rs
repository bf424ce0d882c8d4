//! The `schema` module: a Rust struct, enum or `Vec` alias per schema type, its `SoapValue` impl and its `TypeInfo` static.

use proc_macro2::TokenStream;
use quote::quote;

use crate::model::{Builtin, Field, FieldForm, Occurs, TypeDef, TypeDefKind, TypeRef};
use crate::names::ident;

/// Where the tokens are written: the schema module names its own types bare, the rest of the
/// file as `schema::Person`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Scope {
    /// Inside `mod schema`.
    Schema,
    /// The generated file's top level.
    Top,
}

/// `pub mod schema { ... }`, or nothing when no operation uses a schema type.
pub fn module(types: &[TypeDef]) -> TokenStream {
    if types.is_empty() {
        return quote!();
    }
    let items = types.iter().map(item);
    quote! {
        #[doc = " The WSDL's schema types that the operations use: a struct, enum or `Vec` per type,"]
        #[doc = " each with its descriptor static."]
        pub mod schema {
            #![allow(clippy::large_enum_variant, clippy::module_name_repetitions)]
            use super::rt;
            #[allow(unused_imports)]
            use rt::meta::{Builtin, FieldForm, FieldInfo, Occurs, Ty, TypeInfo, TypeKind};
            #(#items)*
        }
    }
}

fn item(def: &TypeDef) -> TokenStream {
    let name = ident(&def.rust_name);
    let static_name = ident(&def.static_name);
    let (xml_name, namespace, rust_name) = (&def.xml_name, &def.namespace, &def.rust_name);
    let described = if namespace.is_empty() {
        format!(" `{xml_name}`, a schema type.")
    } else {
        format!(" `{xml_name}` of `{namespace}`.")
    };
    let static_doc = format!(" The descriptor of [`{rust_name}`].");
    let (rust, kind) = match &def.kind {
        TypeDefKind::Struct(fields) => (structure(&name, &described, fields), {
            let infos = fields.iter().map(|f| field_info(f, Scope::Schema));
            quote!(TypeKind::Struct(&[#(#infos),*]))
        }),
        TypeDefKind::Array { item, item_name } => {
            let item_type = rust_type(item, Scope::Schema);
            let item_ty = ty(item, Scope::Schema);
            (
                quote! {
                    #[doc = #described]
                    #[doc = ""]
                    #[doc = " A SOAP-encoded array."]
                    pub type #name = Vec<#item_type>;
                },
                quote!(TypeKind::Array { item: #item_ty, item_name: #item_name }),
            )
        }
        TypeDefKind::Enum { base, values } => {
            let base_tokens = builtin(*base);
            let texts = values.iter().map(|(v, _)| v);
            (
                enumeration(&name, &described, values),
                quote!(TypeKind::Enum { base: #base_tokens, values: &[#(#texts),*] }),
            )
        }
    };
    quote! {
        #rust
        #[doc = #static_doc]
        pub static #static_name: TypeInfo = TypeInfo {
            name: #xml_name,
            namespace: #namespace,
            rust_name: #rust_name,
            kind: #kind,
        };
    }
}

fn structure(name: &proc_macro2::Ident, described: &str, fields: &[Field]) -> TokenStream {
    let members = fields.iter().map(|f| {
        let field = ident(&f.rust_name);
        let ty = field_type(f, Scope::Schema);
        let doc = match f.form {
            FieldForm::Element => format!(" Element `{}`.", f.xml_name),
            FieldForm::Attribute => format!(" Attribute `{}`.", f.xml_name),
            FieldForm::Text => " The element's text.".to_owned(),
        };
        quote!(#[doc = #doc] pub #field: #ty)
    });
    let to = fields.iter().map(|f| {
        let field = ident(&f.rust_name);
        let key = &f.xml_name;
        quote!((#key, rt::value::SoapValue::to_value(&self.#field)))
    });
    let what = name.to_string();
    let from = if fields.is_empty() {
        quote! {
            rt::value::Fields::new(value, #what)?;
            Ok(Self {})
        }
    } else {
        let takes = fields.iter().map(|f| {
            let field = ident(&f.rust_name);
            let key = &f.xml_name;
            quote!(#field: fields.take(#key)?)
        });
        quote! {
            let mut fields = rt::value::Fields::new(value, #what)?;
            Ok(Self { #(#takes),* })
        }
    };
    quote! {
        #[doc = #described]
        #[derive(Debug, Clone, PartialEq)]
        pub struct #name {
            #(#members,)*
        }

        impl rt::value::SoapValue for #name {
            fn to_value(&self) -> rt::value::Value {
                rt::value::fields([#(#to),*])
            }
            fn from_value(value: rt::value::Value) -> Result<Self, rt::value::ValueError> {
                #from
            }
        }
    }
}

fn enumeration(
    name: &proc_macro2::Ident,
    described: &str,
    values: &[(String, String)],
) -> TokenStream {
    let variants = values.iter().map(|(value, variant)| {
        let variant = ident(variant);
        let doc = format!(" `{value}`.");
        quote!(#[doc = #doc] #variant)
    });
    let as_str = values.iter().map(|(value, variant)| {
        let variant = ident(variant);
        quote!(Self::#variant => #value)
    });
    let from = values.iter().map(|(value, variant)| {
        let variant = ident(variant);
        quote!(#value => Self::#variant)
    });
    quote! {
        #[doc = #described]
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        pub enum #name {
            #(#variants,)*
            #[doc = " A value the schema does not list, kept as sent."]
            Other(String),
        }

        impl #name {
            #[doc = " The value as written on the wire."]
            pub fn as_str(&self) -> &str {
                match self {
                    #(#as_str,)*
                    Self::Other(value) => value,
                }
            }

            #[doc = " The value for a text: a listed one, else `Other`."]
            pub fn from_text(text: &str) -> Self {
                match text {
                    #(#from,)*
                    other => Self::Other(other.to_owned()),
                }
            }
        }

        impl std::fmt::Display for #name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl rt::value::SoapValue for #name {
            fn to_value(&self) -> rt::value::Value {
                rt::value::Value::Text(self.as_str().to_owned())
            }
            fn from_value(value: rt::value::Value) -> Result<Self, rt::value::ValueError> {
                <String as rt::value::SoapValue>::from_value(value).map(|text| Self::from_text(&text))
            }
        }
    }
}

/// The Rust type of a field, with its occurrence and box.
pub(crate) fn field_type(f: &Field, scope: Scope) -> TokenStream {
    let inner = rust_type(&f.ty, scope);
    let inner = if f.boxed && f.occurs != Occurs::Many {
        quote!(Box<#inner>)
    } else {
        inner
    };
    match f.occurs {
        Occurs::One => inner,
        Occurs::Optional => quote!(Option<#inner>),
        Occurs::Many => quote!(Vec<#inner>),
    }
}

/// The Rust type a type reference maps to.
pub(crate) fn rust_type(t: &TypeRef, scope: Scope) -> TokenStream {
    match t {
        TypeRef::Simple(b) => builtin_type(*b),
        TypeRef::List(b) => {
            let item = builtin_type(*b);
            quote!(Vec<#item>)
        }
        TypeRef::Named(name) => {
            let name = ident(name);
            match scope {
                Scope::Schema => quote!(#name),
                Scope::Top => quote!(schema::#name),
            }
        }
        TypeRef::Any => quote!(rt::value::Value),
    }
}

/// The Rust type of a built-in.
pub(crate) fn builtin_type(b: Builtin) -> TokenStream {
    match b {
        Builtin::String | Builtin::AnyUri => quote!(String),
        Builtin::Boolean => quote!(bool),
        Builtin::Byte => quote!(i8),
        Builtin::Short => quote!(i16),
        Builtin::Int => quote!(i32),
        Builtin::Long | Builtin::Integer => quote!(i64),
        Builtin::UnsignedByte => quote!(u8),
        Builtin::UnsignedShort => quote!(u16),
        Builtin::UnsignedInt => quote!(u32),
        Builtin::UnsignedLong => quote!(u64),
        Builtin::Float => quote!(f32),
        Builtin::Double | Builtin::Decimal => quote!(f64),
        Builtin::Date => quote!(rt::jiff::civil::Date),
        Builtin::DateTime => quote!(rt::value::DateTime),
        Builtin::Time => quote!(rt::jiff::civil::Time),
        Builtin::Duration => quote!(rt::value::Duration),
        Builtin::Base64Binary => quote!(rt::value::Base64Binary),
        Builtin::HexBinary => quote!(rt::value::HexBinary),
    }
}

/// `FieldInfo { ... }`.
pub(crate) fn field_info(f: &Field, scope: Scope) -> TokenStream {
    let Field {
        xml_name,
        rust_name,
        nillable,
        ..
    } = f;
    let namespace = match &f.namespace {
        Some(ns) => quote!(Some(#ns)),
        None => quote!(None),
    };
    let ty = ty(&f.ty, scope);
    let occurs = match f.occurs {
        Occurs::One => quote!(Occurs::One),
        Occurs::Optional => quote!(Occurs::Optional),
        Occurs::Many => quote!(Occurs::Many),
    };
    let form = match f.form {
        FieldForm::Element => quote!(FieldForm::Element),
        FieldForm::Attribute => quote!(FieldForm::Attribute),
        FieldForm::Text => quote!(FieldForm::Text),
    };
    quote! {
        FieldInfo {
            name: #xml_name,
            rust_name: #rust_name,
            namespace: #namespace,
            ty: #ty,
            occurs: #occurs,
            form: #form,
            nillable: #nillable,
        }
    }
}

/// `Ty::...`; a named type is its descriptor static.
pub(crate) fn ty(t: &TypeRef, scope: Scope) -> TokenStream {
    match t {
        TypeRef::Simple(b) => {
            let b = builtin(*b);
            quote!(Ty::Simple(#b))
        }
        TypeRef::List(b) => {
            let b = builtin(*b);
            quote!(Ty::List(#b))
        }
        TypeRef::Named(name) => {
            let name = ident(&crate::names::type_static(name));
            match scope {
                Scope::Schema => quote!(Ty::Named(&#name)),
                Scope::Top => quote!(Ty::Named(&schema::#name)),
            }
        }
        TypeRef::Any => quote!(Ty::Any),
    }
}

/// `Builtin::Int`.
pub(crate) fn builtin(b: Builtin) -> TokenStream {
    let name = ident(&format!("{b:?}"));
    quote!(Builtin::#name)
}

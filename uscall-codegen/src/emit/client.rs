//! The `Raw` method and the request type (fields, setters, `send`, `IntoFuture`) of one operation.

use proc_macro2::TokenStream;
use quote::quote;

use super::types::{Scope, field_type, rust_type};
use crate::model::{Answer, Builtin, Operation, Param, TypeRef};
use crate::names::{has_self_convention_prefix, ident};

/// Whether the operation's parts go as texts (`Client::call`, `call_xml`): raw operations, and
/// JSON answers whose parts are all single simple values, as the USCall ones are. Every other
/// operation sends `Value`s.
pub(super) fn sends_texts(op: &Operation) -> bool {
    op.raw.is_some()
        || (op.answer == Answer::Json
            && op
                .params
                .iter()
                .all(|p| matches!(p.ty, TypeRef::Simple(_)) && !p.many))
}

/// A parameter taken as `impl Into<String>`.
fn is_text(p: &Param) -> bool {
    matches!(p.ty, TypeRef::Simple(Builtin::String | Builtin::AnyUri)) && !p.many
}

/// The Rust type of a parameter's value.
fn param_type(p: &Param) -> TokenStream {
    let base = rust_type(&p.ty, Scope::Top);
    if p.many { quote!(Vec<#base>) } else { base }
}

/// What the method's future gives.
fn answer_type(op: &Operation) -> TokenStream {
    match &op.answer {
        Answer::Raw => quote!(XmlAnswer),
        Answer::Json => quote!(Response),
        Answer::Unit => quote!(()),
        Answer::One(field) => field_type(field, Scope::Top),
        Answer::Struct(name) => {
            let name = ident(name);
            quote!(schema::#name)
        }
    }
}

/// clippy's `too_many_arguments` fires above seven, counting `&self`.
const MAX_ARGUMENTS: usize = 7;

/// The method on `Raw` (the untyped layer, `client.raw()`), then the request type and its impls.
pub fn operation(op: &Operation) -> TokenStream {
    let method = method(op);
    let request = request(op);
    quote!(#method #request)
}

/// Vendor text as Markdown that reads as written: `[600,611]` must not become a link, nor
/// `<x>` an HTML tag.
fn vendor_text(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    for c in line.chars() {
        if matches!(c, '[' | ']' | '<') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

fn values(op: &Operation) -> impl Iterator<Item = &Param> {
    op.params.iter().filter(|p| !p.token)
}

fn method(op: &Operation) -> TokenStream {
    let name = ident(&op.rust_name);
    let ty = ident(&op.type_name);
    let required: Vec<&Param> = values(op).filter(|p| p.required).collect();
    let mut lines: Vec<String> = if op.documentation.is_empty() {
        vec![op.summary.clone()]
    } else {
        op.documentation.lines().map(vendor_text).collect()
    };
    lines.push(String::new());
    lines.push(if op.soap_action.is_empty() {
        format!("Wire operation `{}`, no SOAPAction.", op.xml_name)
    } else {
        format!(
            "Wire operation `{}`, SOAPAction `{}`.",
            op.xml_name, op.soap_action
        )
    });
    if let Some(raw) = &op.raw {
        lines.push(String::new());
        lines.push(format!(
            "A raw method: {}. Every part is sent as text, and the answer is the response's XML.",
            raw.reason
        ));
    }
    for p in &required {
        if let Some(note) = &p.note {
            lines.push(String::new());
            lines.push(format!("Argument `{}` is {note}.", p.rust_name));
        }
    }
    let doc = super::doc(lines);
    let mut allows = Vec::new();
    if required.len() + 1 > MAX_ARGUMENTS {
        allows.push(quote!(clippy::too_many_arguments));
    }
    if has_self_convention_prefix(&op.rust_name) {
        allows.push(quote!(clippy::wrong_self_convention));
    }
    let allow = (!allows.is_empty()).then(|| quote!(#[allow(#(#allows),*)]));
    let args = required.iter().map(|p| {
        let name = ident(&p.rust_name);
        let ty = if is_text(p) {
            quote!(impl Into<String>)
        } else {
            param_type(p)
        };
        quote!(#name: #ty)
    });
    let inits = values(op).map(|p| {
        let name = ident(&p.rust_name);
        match (p.required, is_text(p)) {
            (true, true) => quote!(#name: #name.into()),
            (true, false) => quote!(#name),
            (false, _) => quote!(#name: None),
        }
    });
    quote! {
        impl<'a> Raw<'a> {
            #doc
            #allow
            pub fn #name(&self, #(#args),*) -> #ty<'a> {
                #ty { client: self.client, #(#inits),* }
            }
        }
    }
}

fn request(op: &Operation) -> TokenStream {
    let ty = ident(&op.type_name);
    let static_name = ident(&op.static_name);
    let article = match op.xml_name.chars().next() {
        Some('a' | 'e' | 'i' | 'o' | 'u' | 'A' | 'E' | 'I' | 'O' | 'U') => "An",
        _ => "A",
    };
    let doc = super::doc([format!(
        "{article} `{}` request: set optional parts, then `.await` it (or call [`{}::send`]).",
        op.xml_name, op.type_name
    )]);
    let fields = values(op).map(|p| {
        let name = ident(&p.rust_name);
        let ty = param_type(p);
        if p.required {
            quote!(#name: #ty)
        } else {
            quote!(#name: Option<#ty>)
        }
    });
    let setters = values(op).filter(|p| !p.required).map(setter);
    let texts = sends_texts(op);
    let args = op.params.iter().map(|p| {
        let name = ident(&p.rust_name);
        match (p.token, p.required, texts) {
            (true, _, _) => quote!(None),
            (false, true, true) => quote!(Some(self.#name.to_xsd())),
            (false, false, true) => quote!(self.#name.map(|v| v.to_xsd())),
            (false, true, false) => quote!(Some(rt::value::SoapValue::to_value(&self.#name))),
            (false, false, false) => {
                quote!(self.#name.as_ref().map(rt::value::SoapValue::to_value))
            }
        }
    });
    let answer = answer_type(op);
    let call = match (&op.raw, &op.answer, texts) {
        (Some(raw), _, _) if raw.one_way => quote!(call_one_way),
        (Some(_), _, _) => quote!(call_xml),
        (None, Answer::Json, true) => quote!(call),
        (None, Answer::Json, false) => quote!(call_values),
        (None, _, _) => quote!(call_typed::<#answer>),
    };
    quote! {
        #doc
        #[must_use = "a request does nothing until it is awaited"]
        pub struct #ty<'a> {
            client: &'a Client,
            #(#fields,)*
        }

        impl #ty<'_> {
            #(#setters)*

            #[doc = " Sends the request and returns the service's answer."]
            pub async fn send(self) -> Result<#answer> {
                self.client.#call(&#static_name, vec![#(#args),*]).await
            }
        }

        impl<'a> std::future::IntoFuture for #ty<'a> {
            type Output = Result<#answer>;
            type IntoFuture = std::pin::Pin<Box<dyn std::future::Future<Output = Result<#answer>> + Send + 'a>>;
            fn into_future(self) -> Self::IntoFuture {
                Box::pin(self.send())
            }
        }
    }
}

fn setter(p: &Param) -> TokenStream {
    let name = ident(&p.rust_name);
    let mut lines = vec![format!("Sets the optional part `{}`.", p.xml_name)];
    if let Some(note) = &p.note {
        lines.push(String::new());
        lines.push(format!("The value is {note}."));
    }
    let doc = super::doc(lines);
    let allow = has_self_convention_prefix(&p.rust_name)
        .then(|| quote!(#[allow(clippy::wrong_self_convention)]));
    let (arg, value) = if is_text(p) {
        (quote!(impl Into<String>), quote!(value.into()))
    } else {
        (param_type(p), quote!(value))
    };
    quote! {
        #doc
        #allow
        pub fn #name(mut self, value: #arg) -> Self {
            self.#name = Some(#value);
            self
        }
    }
}

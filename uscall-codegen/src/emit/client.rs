//! The `Raw` method and the request type (fields, setters, `send`, `IntoFuture`) of one operation.

use proc_macro2::TokenStream;
use quote::quote;

use crate::model::{Operation, Param, XsdKind};
use crate::names::{has_self_convention_prefix, ident};

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
        let ty = match p.kind {
            XsdKind::String => quote!(impl Into<String>),
            kind => super::value_type(kind),
        };
        quote!(#name: #ty)
    });
    let inits = values(op).map(|p| {
        let name = ident(&p.rust_name);
        match (p.required, p.kind) {
            (true, XsdKind::String) => quote!(#name: #name.into()),
            (true, _) => quote!(#name),
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
        let ty = super::value_type(p.kind);
        if p.required {
            quote!(#name: #ty)
        } else {
            quote!(#name: Option<#ty>)
        }
    });
    let setters = values(op).filter(|p| !p.required).map(setter);
    let args = op.params.iter().map(|p| {
        let name = ident(&p.rust_name);
        if p.token {
            quote!(None)
        } else if p.required {
            quote!(Some(self.#name.to_xsd()))
        } else {
            quote!(self.#name.map(|v| v.to_xsd()))
        }
    });
    let (answer, call) = match &op.raw {
        None => (quote!(Response), quote!(call)),
        Some(raw) if raw.one_way => (quote!(XmlAnswer), quote!(call_one_way)),
        Some(_) => (quote!(XmlAnswer), quote!(call_xml)),
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
    let (arg, value) = match p.kind {
        XsdKind::String => (quote!(impl Into<String>), quote!(value.into())),
        kind => (super::value_type(kind), quote!(value)),
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

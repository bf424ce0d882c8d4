//! The `OperationInfo` static of one operation, with its `ParamInfo` list.

use proc_macro2::TokenStream;
use quote::quote;

use super::types::{Scope, field_info, ty};
use crate::model::{Operation, Param, SoapVersion, Style, Use, XsdKind};
use crate::names::ident;

/// `pub static START_CALL: OperationInfo = OperationInfo { ... };`
pub fn operation(op: &Operation) -> TokenStream {
    let name = ident(&op.static_name);
    let doc = super::doc([format!("Description of the `{}` operation.", op.xml_name)]);
    let Operation {
        xml_name,
        rust_name,
        cli_name,
        summary,
        documentation,
        soap_action,
        namespace,
        wrapper,
        response,
        ..
    } = op;
    let soap_version = match op.soap_version {
        SoapVersion::Soap11 => quote!(SoapVersion::Soap11),
        SoapVersion::Soap12 => quote!(SoapVersion::Soap12),
    };
    let style = match op.style {
        Style::Rpc => quote!(Style::Rpc),
        Style::Document => quote!(Style::Document),
        Style::Bare => quote!(Style::Bare),
    };
    let body_use = match op.body_use {
        Use::Encoded => quote!(Use::Encoded),
        Use::Literal => quote!(Use::Literal),
    };
    let path = match &op.path {
        Some(path) => quote!(Some(#path)),
        None => quote!(None),
    };
    let params = op.params.iter().map(param);
    let outputs = op.outputs.iter().map(|f| field_info(f, Scope::Top));
    quote! {
        #doc
        pub static #name: OperationInfo = OperationInfo {
            name: #xml_name,
            rust_name: #rust_name,
            cli_name: #cli_name,
            summary: #summary,
            documentation: #documentation,
            soap_action: #soap_action,
            soap_version: #soap_version,
            path: #path,
            style: #style,
            body_use: #body_use,
            namespace: #namespace,
            wrapper: #wrapper,
            response: #response,
            params: &[#(#params),*],
            outputs: &[#(#outputs),*],
        };
    }
}

fn param(p: &Param) -> TokenStream {
    let Param {
        xml_name,
        rust_name,
        cli_name,
        xsd_type,
        required,
        token,
        ..
    } = p;
    let kind = match p.kind {
        XsdKind::String => quote!(XsdKind::String),
        XsdKind::Integer => quote!(XsdKind::Integer),
        XsdKind::Boolean => quote!(XsdKind::Boolean),
        XsdKind::Decimal => quote!(XsdKind::Decimal),
        XsdKind::Date => quote!(XsdKind::Date),
        XsdKind::DateTime => quote!(XsdKind::DateTime),
        XsdKind::Time => quote!(XsdKind::Time),
    };
    let namespace = optional(p.namespace.as_deref());
    let ty = ty(&p.ty, Scope::Top);
    let many = p.many;
    quote! {
        ParamInfo {
            name: #xml_name,
            rust_name: #rust_name,
            cli_name: #cli_name,
            xsd_type: #xsd_type,
            kind: #kind,
            required: #required,
            token: #token,
            namespace: #namespace,
            ty: #ty,
            many: #many,
        }
    }
}

fn optional(text: Option<&str>) -> TokenStream {
    match text {
        Some(text) => quote!(Some(#text)),
        None => quote!(None),
    }
}

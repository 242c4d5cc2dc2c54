/** @odoo-module **/

import { registry } from "@web/core/registry";
import { SignatureDialog } from "@web/core/signature/signature_dialog";
import { SignatureField, signatureField } from "@web/views/fields/signature/signature_field";

/**
 * Odoo's signature dialog, draw only: the patient draws her signature. Neither
 * the typed-name mode (Auto) nor an uploaded image (Load) is offered.
 */
export class DrawOnlySignatureDialog extends SignatureDialog {
    static template = "halley_aesthetics.DrawOnlySignatureDialog";
}

/**
 * Odoo's signature field, whose dialog opens on an empty canvas in draw mode
 * (no name to write from: the name is a field of the form).
 */
export class DrawOnlySignatureField extends SignatureField {
    /**
     * The box takes the form's width up to its configured size, keeping its
     * ratio: on a tablet (820 px) or a phone (390 px) it fits the dialog, where
     * Odoo's fixed width (540 px for a height of 180) overflows it.
     */
    get sizeStyle() {
        let { width, height } = this.props;
        if (!width && !height) {
            return "";
        }
        width = width ? Math.min(width, this.displaySignatureRatio * (height || width)) : height * this.displaySignatureRatio;
        return `width: 100%; max-width: ${width}px; height: auto; aspect-ratio: ${this.displaySignatureRatio};`;
    }

    onClickSignature() {
        if (this.props.readonly) {
            return;
        }
        this.dialogService.add(DrawOnlySignatureDialog, {
            defaultName: "",
            nameAndSignatureProps: {
                displaySignatureRatio: 3,
                signatureType: this.props.type,
                noInputName: true,
                mode: "draw",
                defaultFont: this.props.defaultFont,
            },
            uploadSignature: (signature) => this.uploadSignature(signature),
        });
    }
}

registry.category("fields").add("halley_signature_draw", {
    ...signatureField,
    component: DrawOnlySignatureField,
});

package com.ocq.keycloak.sms;

/**
 * The default message texts, for senders that send free text (the development sender, Twilio,
 * webhooks). Only the purpose's own parameters are substituted; nothing a user typed reaches a
 * message.
 */
public final class SmsTexts {

    private SmsTexts() {
    }

    public static String render(SmsMessage message) {
        boolean chinese = "zh".equals(message.locale().getLanguage());
        return switch (message.purpose()) {
            case VERIFICATION_CODE -> chinese
                    ? "【OCQ云智能管理】您的验证码是" + message.parameters().get("code") + "，请勿告诉他人。如非本人操作，请忽略本短信。"
                    : "[OCQ] Your verification code is " + message.parameters().get("code")
                            + ". Do not share it. If you did not ask for it, ignore this message.";
            case PASSWORD_CHANGED -> chinese
                    ? "【OCQ云智能管理】您的登录密码已修改。如非本人操作，请立即联系系统管理员。"
                    : "[OCQ] Your password was changed. If this was not you, contact your administrator now.";
            case INITIAL_PASSWORD -> chinese
                    ? "【OCQ云智能管理】管理员已重置您的帐号，初始登录密码为" + message.parameters().get("password") + "，首次登录后请修改。"
                    : "[OCQ] Your administrator reset your account. Your initial password is "
                            + message.parameters().get("password") + "; you will change it at first sign-in.";
        };
    }
}

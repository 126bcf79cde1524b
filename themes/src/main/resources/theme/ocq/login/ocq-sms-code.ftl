<#import "template.ftl" as layout>
<#import "field.ftl" as field>
<#import "buttons.ftl" as buttons>
<#-- 忘记密码, step 2: the code from the SMS, 提交; 获取验证码 again after the countdown. -->
<@layout.registrationLayout displayMessage=!messagesPerField.existsError('code'); section>
    <#if section = "header">
        ${msg("ocqResetTitle")}
    <#elseif section = "form">
        <p id="ocq-sms-destination" class="${properties.kcFormHelperTextClass!}">
            <#if ocqSmsMaskedPhone??>${msg("ocqSmsSentTo", ocqSmsMaskedPhone, ocqSmsTtlMinutes)}<#else>${msg("ocqSmsSentToAccount", ocqSmsTtlMinutes)}</#if>
        </p>
        <form id="ocq-sms-code-form" class="${properties.kcFormClass!}" action="${url.loginAction}" method="post" novalidate="novalidate">
            <@field.input name="code" label=msg("ocqSmsCode") autocomplete="one-time-code" autofocus=true />
            <@buttons.actionGroup>
                <@buttons.button id="ocq-submit-code" name="submit" label="ocqSubmit"/>
            </@buttons.actionGroup>
        </form>
        <form id="ocq-resend-form" action="${url.loginAction}" method="post" novalidate="novalidate">
            <button id="ocq-resend" type="submit" name="resend" value="1" class="${properties.kcButtonSecondaryClass!} ${properties.kcButtonBlockClass!}"
                    data-ocq-countdown="${ocqSmsResendIn?c}" data-ocq-label="${msg("ocqSmsResend")}" data-ocq-wait-label="${msg("ocqSmsResendIn", "{0}")}"
                    aria-live="polite" <#if (ocqSmsResendIn > 0)>disabled</#if>><#if (ocqSmsResendIn > 0)>${msg("ocqSmsResendIn", ocqSmsResendIn?c)}<#else>${msg("ocqSmsResend")}</#if></button>
        </form>
        <p class="ocq-back"><a id="ocq-back-to-login" href="${url.loginUrl}">${msg("ocqBackToLogin")}</a></p>
        <script type="module" src="${url.resourcesPath}/js/ocq-countdown.js"></script>
    </#if>
</@layout.registrationLayout>

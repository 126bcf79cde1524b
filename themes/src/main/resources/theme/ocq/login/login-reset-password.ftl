<#import "template.ftl" as layout>
<#import "field.ftl" as field>
<#import "buttons.ftl" as buttons>
<#-- 忘记密码, step 1: the account (mobile number, username or email), then 获取验证码. -->
<@layout.registrationLayout displayInfo=true displayMessage=!messagesPerField.existsError('username'); section>
    <#if section = "header">
        ${msg("ocqResetTitle")}
    <#elseif section = "form">
        <form id="kc-reset-password-form" class="${properties.kcFormClass!}" action="${url.loginAction}" method="post" novalidate="novalidate">
            <@field.input name="username" label=msg("ocqAccount") value=auth.attemptedUsername!'' autocomplete="username" autofocus=true />
            <@buttons.actionGroup>
              <@buttons.button id="kc-form-buttons" label="ocqGetCode"/>
              <@buttons.buttonLink href=url.loginUrl label="ocqBackToLogin"/>
            </@buttons.actionGroup>
        </form>
    <#elseif section = "info" >
        <span id="ocq-reset-instruction" class="${properties.kcLoginMainFooterHelperText!}">${msg("ocqResetInstruction")}</span>
    </#if>
</@layout.registrationLayout>

<#import "template.ftl" as layout>
<#import "field.ftl" as field>
<#import "buttons.ftl" as buttons>
<#-- 忘记密码, step 3 (重置密码): 请输入新密码 / 请再次输入新密码, 提交. -->
<@layout.registrationLayout displayMessage=!messagesPerField.existsError('password-new','password-confirm'); section>
    <#if section = "header">
        ${msg("ocqNewPasswordTitle")}
    <#elseif section = "form">
        <form id="ocq-new-password-form" class="${properties.kcFormClass!}" action="${url.loginAction}" method="post" novalidate="novalidate">
            <@field.password name="password-new" label=msg("ocqPasswordNew") autocomplete="new-password" autofocus=true />
            <@field.password name="password-confirm" label=msg("ocqPasswordConfirm") autocomplete="new-password" />
            <@buttons.actionGroup>
                <@buttons.button id="ocq-submit-password" name="submit" label="ocqSubmit"/>
            </@buttons.actionGroup>
        </form>
    </#if>
</@layout.registrationLayout>

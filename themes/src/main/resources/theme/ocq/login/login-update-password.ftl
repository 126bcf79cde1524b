<#import "template.ftl" as layout>
<#import "field.ftl" as field>
<#import "buttons.ftl" as buttons>
<#-- 修改密码: 原密码 (only when the employee chose to change it) / 新密码 / 确认新密码, then 修改. -->
<#assign askCurrent = (ocqAskCurrentPassword!false)>
<@layout.registrationLayout displayMessage=!messagesPerField.existsError('password','password-new','password-confirm'); section>
    <#if section = "header">
        ${msg("ocqChangePasswordTitle")}
    <#elseif section = "form">
        <form id="kc-passwd-update-form" class="${properties.kcFormClass!}" action="${url.loginAction}" method="post" novalidate="novalidate">
            <#if askCurrent>
                <@field.password name="password" label=msg("ocqCurrentPassword") autocomplete="current-password" autofocus=true />
            </#if>
            <@field.password name="password-new" label=msg("ocqNewPassword") autocomplete="new-password" autofocus=!askCurrent />
            <@field.password name="password-confirm" label=msg("ocqConfirmNewPassword") autocomplete="new-password" />

            <div class="${properties.kcFormGroupClass!}">
                <div id="kc-form-options" class="${properties.kcFormOptionsClass!}">
                    <@field.checkbox name="logout-sessions" label=msg("ocqLogoutOtherDevices") value=false />
                </div>
            </div>

            <@buttons.actionGroup horizontal=true>
                <@buttons.button id="kc-submit" name="login" label="ocqChange"/>
                <#if isAppInitiatedAction??>
                    <@buttons.button id="kc-cancel" name="cancel-aia" label="doCancel" type="secondary"/>
                </#if>
            </@buttons.actionGroup>
        </form>
    </#if>
</@layout.registrationLayout>
